using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Backups;

/// <summary>
/// Whether a dump file is the one its manifest describes: same size and SHA-256. The only test of a backup's
/// validity the worker trusts — a manifest alone proves nothing (a failed write can leave one beside a truncated dump).
/// </summary>
public static class DumpCheck
{
    /// <summary>Null when the dump matches its manifest; otherwise the <c>checksum_mismatch: …</c> line saying how it differs.</summary>
    public static async Task<string?> MismatchAsync(BackupManifest manifest, string dumpPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(dumpPath))
        {
            return $"checksum_mismatch: {manifest.DumpFile} is missing, the manifest says {manifest.DumpSha256} ({manifest.DumpSizeBytes} bytes)";
        }
        var size = new FileInfo(dumpPath).Length;
        // A size that differs settles it without reading the whole dump.
        var sha256 = size == manifest.DumpSizeBytes ? await FileDigest.Sha256HexAsync(dumpPath, cancellationToken) : "(not read)";
        return size == manifest.DumpSizeBytes && string.Equals(sha256, manifest.DumpSha256, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"checksum_mismatch: {manifest.DumpFile} has sha256 {sha256} ({size} bytes), the manifest says {manifest.DumpSha256} ({manifest.DumpSizeBytes} bytes)";
    }
}
