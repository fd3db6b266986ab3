using System.Security.Cryptography;
using System.Text;

namespace Aionis.Jobs.Framework;

/// <summary>Digests and the order of file names, shared by backups, bundles and publishing.</summary>
public static class FileDigest
{
    /// <summary>Lowercase hex SHA-256 of a file's bytes, as <c>sha256sum</c> prints it; streamed (dumps can be larger than memory).</summary>
    public static async Task<string> Sha256HexAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    /// <summary>Byte-wise order of the UTF-8 names (<c>LC_ALL=C sort</c>), the one order of file lists.</summary>
    public static IComparer<string> ByteOrder { get; } = Comparer<string>.Create((a, b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b)));
}
