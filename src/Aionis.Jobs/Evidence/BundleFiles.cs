using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

/// <summary>A path in a bundle that is not a regular file or folder (<c>symlink</c>, <c>fifo</c>, <c>char_device</c>, …): never read.</summary>
public sealed record SpecialFile(string Path, string Kind);

/// <summary>A bundle folder's regular files (metadata excluded) and its special files.</summary>
public sealed record BundleTree(IReadOnlyList<string> Files, IReadOnlyList<SpecialFile> Special);

/// <summary>The files of a bundle folder as the evidence index sees them, and their names.</summary>
public static class BundleFiles
{
    public const string Index = "evidence_index.json";
    public const string HmacSignature = "evidence_index.sig.json";
    public const string EcdsaSignature = "evidence_index.json.sig";
    public const string Sha256Sums = "SHA256SUMS";
    public const string Sha256SumsSignature = "SHA256SUMS.sig";
    public const string Summary = "summary.json";
    public const string VerifyLog = "09_evidence_verify.log";
    public const string PublishLog = "10_publish_bundle.log";
    public const string PublishAttestation = "publish_attestation.json";
    public const string PublishEnqueue = "publish_enqueue.json";

    /// <summary>
    /// The bundle's own metadata at its root: written after the index (or being the index), so never indexed, and not
    /// reported as unindexed by verify.
    /// </summary>
    public static readonly IReadOnlySet<string> Metadata = new HashSet<string>(StringComparer.Ordinal)
    {
        Index, HmacSignature, EcdsaSignature, Sha256Sums, Sha256SumsSignature, Summary, VerifyLog, PublishLog, PublishAttestation, PublishEnqueue,
    };

    /// <summary>
    /// Every regular file below <paramref name="bundleDir"/> except the root metadata, as paths relative to it, sorted
    /// byte-wise like <c>LC_ALL=C sort</c>. Hidden files are included: an added dotfile is evidence of tampering too.
    /// </summary>
    public static IReadOnlyList<string> List(string bundleDir) => Scan(bundleDir).Files;

    /// <summary>
    /// Walks the folder without following links (<see cref="FileKinds"/>): regular files (metadata excluded) and, apart,
    /// whatever else is there — symlinks (to files or folders, never entered), FIFOs, devices, sockets — which are
    /// never read: opening a FIFO blocks, a device never ends, a link may point outside the bundle.
    /// </summary>
    public static BundleTree Scan(string bundleDir)
    {
        var files = new List<string>();
        var special = new List<SpecialFile>();
        var folders = new Stack<string>([bundleDir]);
        while (folders.TryPop(out var folder))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false }))
            {
                var relative = Path.GetRelativePath(bundleDir, entry);
                switch (FileKinds.Of(entry))
                {
                    case FileKind.Directory: folders.Push(entry); break;
                    case FileKind.Regular: if (!Metadata.Contains(relative)) files.Add(relative); break;
                    case FileKind.Missing: break;
                    case var kind: special.Add(new SpecialFile(relative, FileKinds.Name(kind))); break;
                }
            }
        }
        return new BundleTree(files.Order(FileDigest.ByteOrder).ToList(), special.OrderBy(s => s.Path, FileDigest.ByteOrder).ToList());
    }
}
