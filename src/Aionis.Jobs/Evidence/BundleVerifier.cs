using System.Security.Cryptography;
using System.Text.Json;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

/// <summary>What the file checks found, each list naming the paths concerned, and the index's digest per valid path.</summary>
public sealed record FileChecks(
    int FilesIndexed,
    IReadOnlyList<MissingFile> Missing,
    IReadOnlyList<DigestMismatch> DigestMismatch,
    IReadOnlyList<SizeMismatch> SizeMismatch,
    IReadOnlyList<MissingFile> SizeUnknown,
    IReadOnlyList<InvalidPath> InvalidPath,
    IReadOnlyList<UnindexedFile> Unindexed,
    IReadOnlyList<SpecialFile> SpecialFiles,
    IReadOnlyDictionary<string, string> IndexDigests);

/// <summary>The checks of <c>hosted-incident-verify</c>: every index entry against the folder, the folder against the index, signatures.</summary>
public static class BundleVerifier
{
    /// <param name="ownFiles">Index and signature files given by path: never reported as unindexed wherever they are.</param>
    public static async Task<FileChecks> CheckFilesAsync(string bundleDir, JsonElement index, IReadOnlyCollection<string> ownFiles, CancellationToken cancellationToken)
    {
        if (!index.TryGetProperty("files", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("the index has no files array");
        }

        var missing = new List<MissingFile>();
        var digestMismatch = new List<DigestMismatch>();
        var sizeMismatch = new List<SizeMismatch>();
        var sizeUnknown = new List<MissingFile>();
        var invalidPath = new List<InvalidPath>();
        var special = new List<SpecialFile>();
        var indexed = new HashSet<string>(StringComparer.Ordinal);
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var entry in entries.EnumerateArray())
        {
            var path = entry.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
            if (path.Length == 0)
            {
                missing.Add(new MissingFile(path));
                continue;
            }
            if (Path.IsPathRooted(path))
            {
                invalidPath.Add(new InvalidPath(path, "absolute"));
                continue;
            }
            var full = Path.GetFullPath(Path.Combine(bundleDir, path));
            if (!full.StartsWith(bundleDir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                invalidPath.Add(new InvalidPath(path, "outside_bundle"));
                continue;
            }
            var relative = Path.GetRelativePath(bundleDir, full);
            indexed.Add(relative);
            var hasDigest = entry.TryGetProperty("sha256", out var sha) && sha.ValueKind == JsonValueKind.String;
            if (hasDigest) digests.TryAdd(path, sha.GetString()!);
            // lstat first, every folder on the way included: only a regular file inside the bundle is ever opened.
            switch (FileKinds.InsideRoot(bundleDir, relative))
            {
                case FileKind.Missing:
                    missing.Add(new MissingFile(path));
                    continue;
                case not FileKind.Regular and var kind:
                    special.Add(new SpecialFile(path, FileKinds.Name(kind)));
                    continue;
            }

            if (hasDigest)
            {
                var actual = await FileDigest.Sha256HexAsync(full, cancellationToken);
                if (!string.Equals(actual, sha.GetString(), StringComparison.Ordinal))
                {
                    digestMismatch.Add(new DigestMismatch(path, sha.GetString()!, actual));
                }
            }
            var size = new FileInfo(full).Length;
            if (entry.TryGetProperty("size_bytes", out var expected) && expected.TryGetInt64(out var expectedSize))
            {
                if (expectedSize != size)
                {
                    sizeMismatch.Add(new SizeMismatch(path, expectedSize, size));
                }
            }
            else
            {
                sizeUnknown.Add(new MissingFile(path));
            }
        }

        var tree = BundleFiles.Scan(bundleDir);
        var unindexed = tree.Files
            .Where(path => !indexed.Contains(path) && !ownFiles.Contains(Path.Combine(bundleDir, path)))
            .Select(path => new UnindexedFile(path, new FileInfo(Path.Combine(bundleDir, path)).Length))
            .ToList();
        // Special files nobody indexed (a FIFO dropped in, a symlinked folder) are reported too, once.
        special.AddRange(tree.Special.Where(s => special.All(known => known.Path != s.Path)));

        return new FileChecks(entries.GetArrayLength(), missing, digestMismatch, sizeMismatch, sizeUnknown, invalidPath, unindexed, special, digests);
    }

    /// <summary>The reference's HMAC check: without a key only whether the signature file is there.</summary>
    public static async Task<SignatureCheck> CheckHmacAsync(string signatureFile, byte[] indexBytes, string? key, CancellationToken cancellationToken)
    {
        var kind = FileKinds.Of(signatureFile);
        var present = kind != FileKind.Missing;
        if (string.IsNullOrEmpty(key))
        {
            return new SignatureCheck(false, present, null, null);
        }
        if (!present)
        {
            return new SignatureCheck(true, false, false, "signature file missing");
        }
        if (kind != FileKind.Regular)
        {
            return new SignatureCheck(true, true, false, NotRegular);
        }
        try
        {
            using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(signatureFile, cancellationToken));
            var recorded = document.RootElement.TryGetProperty("signature_hex", out var hex) && hex.ValueKind == JsonValueKind.String
                ? hex.GetString()!
                : "";
            var valid = EvidenceSignatures.SameHex(recorded, EvidenceSignatures.HmacHex(key, indexBytes));
            return new SignatureCheck(true, true, valid, valid ? null : "signature mismatch");
        }
        catch (JsonException e)
        {
            return new SignatureCheck(true, true, false, e.Message);
        }
    }

    /// <summary>
    /// A detached DER ECDSA signature (over the index, or over <c>SHA256SUMS</c>), checked when a public key is given.
    /// <paramref name="signedBytes"/> is null when the signed file itself is missing, which fails a checked signature.
    /// </summary>
    public static async Task<SignatureCheck> CheckEcdsaAsync(string signatureFile, byte[]? signedBytes, ECDsa? publicKey, CancellationToken cancellationToken)
    {
        var kind = FileKinds.Of(signatureFile);
        var present = kind != FileKind.Missing;
        if (publicKey is null)
        {
            return new SignatureCheck(false, present, null, null);
        }
        if (!present)
        {
            return new SignatureCheck(true, false, false, "signature file missing");
        }
        if (kind != FileKind.Regular)
        {
            return new SignatureCheck(true, true, false, NotRegular);
        }
        if (signedBytes is null)
        {
            return new SignatureCheck(true, true, false, "signed file missing");
        }
        var signature = await File.ReadAllBytesAsync(signatureFile, cancellationToken);
        bool valid;
        try
        {
            valid = EvidenceSignatures.EcdsaVerify(publicKey, signedBytes, signature);
        }
        catch (CryptographicException)
        {
            valid = false;
        }
        return new SignatureCheck(true, true, valid, valid ? null : "signature mismatch");
    }

    /// <summary>The bytes of a file that must be a regular file (lstat first), or null when it is missing or anything else.</summary>
    public static async Task<byte[]?> ReadRegularAsync(string path, CancellationToken cancellationToken) =>
        FileKinds.Of(path) == FileKind.Regular ? await File.ReadAllBytesAsync(path, cancellationToken) : null;

    private const string NotRegular = "not a regular file";
}
