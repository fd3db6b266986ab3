using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

public sealed record MissingFile(string Path);

public sealed record DigestMismatch(string Path, string Expected, string Actual);

public sealed record SizeMismatch(string Path, long Expected, long Actual);

/// <summary>An index path that is absolute or climbs out of the bundle; the file is not read.</summary>
public sealed record InvalidPath(string Path, string Reason);

/// <summary>A file in the bundle that the index does not list (and that is not the bundle's own metadata).</summary>
public sealed record UnindexedFile(string Path, long SizeBytes);

/// <summary>One signature's check: <c>valid</c> is null when no key was given to check it.</summary>
public sealed record SignatureCheck(bool Checked, bool FilePresent, bool? Valid, string? Error);

/// <summary>
/// The verify summary: digests and sizes, plus the checks (invalid paths, unknown sizes, unindexed files, ECDSA), the
/// special files never read, <c>SHA256SUMS</c> against the index and its ECDSA signature, and whether a verified
/// signature was required and found.
/// </summary>
public sealed record IncidentVerifySummary(
    bool Ok,
    bool Strict,
    DateTimeOffset CheckedAt,
    string BundleDir,
    string IndexFile,
    int FilesIndexed,
    int MissingCount,
    int DigestMismatchCount,
    int SizeMismatchCount,
    int SizeUnknownCount,
    int InvalidPathCount,
    int UnindexedCount,
    IReadOnlyList<MissingFile> Missing,
    IReadOnlyList<DigestMismatch> DigestMismatch,
    IReadOnlyList<SizeMismatch> SizeMismatch,
    IReadOnlyList<MissingFile> SizeUnknown,
    IReadOnlyList<InvalidPath> InvalidPath,
    IReadOnlyList<UnindexedFile> Unindexed,
    SignatureCheck Signature,
    SignatureCheck EcdsaSignature,
    int SpecialFileCount,
    IReadOnlyList<SpecialFile> SpecialFiles,
    Sha256SumsReport Sha256Sums,
    SignatureCheck Sha256SumsSignature,
    bool SignatureRequired,
    bool SignatureVerified) : IJobSummary;
