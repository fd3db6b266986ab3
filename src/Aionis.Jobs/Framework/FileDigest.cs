using System.Security.Cryptography;

namespace Aionis.Jobs.Backups;

/// <summary>SHA-256 of a file, streamed (dumps can be larger than memory).</summary>
public static class FileDigest
{
    public static async Task<string> Sha256HexAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken);
        return Convert.ToHexStringLower(hash);
    }
}
