using System.Security.Cryptography;
using System.Text;

namespace Aionis.Jobs.Evidence;

/// <summary>What sealing wrote: the index and, when keys were given, its signatures.</summary>
public sealed record SealedBundle(int FileCount, string IndexFile, string Sha256SumsFile, string? HmacSignatureFile, string? EcdsaSignatureFile);

/// <summary>How to seal: the bundle's identity, its time, and the keys (either may be absent).</summary>
public sealed record SealRequest(string BundleDir, string RunId, DateTimeOffset GeneratedAt, bool DryRun, string? HmacKey, ECDsa? SigningKey);

/// <summary>
/// Seals a bundle folder: <c>evidence_index.json</c> over every file present (except the metadata), <c>SHA256SUMS</c> over
/// the same files, the HMAC document when a key is set and the DER ECDSA signature when a signing key is configured.
/// </summary>
public static class BundleSealer
{
    public static async Task<SealedBundle> SealAsync(SealRequest request, CancellationToken cancellationToken)
    {
        var dir = Path.GetFullPath(request.BundleDir);
        var files = new List<EvidenceFile>();
        foreach (var path in BundleFiles.List(dir))
        {
            var full = Path.Combine(dir, path);
            files.Add(new EvidenceFile(path, await BundleFiles.Sha256HexAsync(full, cancellationToken), new FileInfo(full).Length));
        }

        var generatedAt = EvidenceJson.Timestamp(request.GeneratedAt);
        var index = new EvidenceIndex(request.RunId, generatedAt, dir, files.Count, files) { DryRun = request.DryRun ? true : null };
        var indexBytes = EvidenceJson.Bytes(index);
        var indexFile = Path.Combine(dir, BundleFiles.Index);
        await File.WriteAllBytesAsync(indexFile, indexBytes, cancellationToken);

        var sumsFile = Path.Combine(dir, BundleFiles.Sha256Sums);
        await File.WriteAllTextAsync(sumsFile, string.Concat(files.Select(Sha256SumsLine)), new UTF8Encoding(false), cancellationToken);

        string? hmacFile = null;
        if (!string.IsNullOrEmpty(request.HmacKey))
        {
            hmacFile = Path.Combine(dir, BundleFiles.HmacSignature);
            var signature = new EvidenceHmacSignature(request.RunId, generatedAt, EvidenceSignatures.HmacAlgorithm, BundleFiles.Index,
                EvidenceSignatures.HmacHex(request.HmacKey, indexBytes));
            await File.WriteAllBytesAsync(hmacFile, EvidenceJson.Bytes(signature), cancellationToken);
        }

        string? ecdsaFile = null;
        if (request.SigningKey is { } key)
        {
            ecdsaFile = Path.Combine(dir, BundleFiles.EcdsaSignature);
            await File.WriteAllBytesAsync(ecdsaFile, EvidenceSignatures.EcdsaSign(key, indexBytes), cancellationToken);
        }
        return new SealedBundle(files.Count, indexFile, sumsFile, hmacFile, ecdsaFile);
    }

    /// <summary>
    /// One line of GNU <c>sha256sum</c> output: digest, two spaces (text mode), name. Like coreutils, a name holding a
    /// backslash or line break is escaped and its line starts with a backslash.
    /// </summary>
    public static string Sha256SumsLine(EvidenceFile file)
    {
        var escaped = file.Path.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r");
        return $"{(escaped.Length != file.Path.Length ? "\\" : "")}{file.Sha256}  {escaped}\n";
    }
}
