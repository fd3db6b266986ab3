using System.Security.Cryptography;
using System.Text;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

/// <summary>What sealing wrote: the index and, when keys were given, its signatures.</summary>
public sealed record SealedBundle(int FileCount, string IndexFile, string Sha256SumsFile, string? HmacSignatureFile, string? EcdsaSignatureFile,
    string? Sha256SumsSignatureFile);

/// <summary>How to seal: the bundle's identity, its time, and the keys (either may be absent).</summary>
public sealed record SealRequest(string BundleDir, string RunId, DateTimeOffset GeneratedAt, bool DryRun, string? HmacKey, ECDsa? SigningKey);

/// <summary>
/// Seals a bundle folder: <c>evidence_index.json</c> over every file present (except the metadata), <c>SHA256SUMS</c> over
/// the same files, the HMAC document when a key is set and, when a signing key is configured, DER ECDSA signatures of
/// the index and of <c>SHA256SUMS</c>. A folder holding anything but regular files and folders is refused.
/// </summary>
public static class BundleSealer
{
    public static async Task<SealedBundle> SealAsync(SealRequest request, CancellationToken cancellationToken)
    {
        var dir = Path.GetFullPath(request.BundleDir);
        var tree = BundleFiles.Scan(dir);
        if (tree.Special.Count > 0)
        {
            // A FIFO would block the hash, a link could point anywhere: such a folder is not sealed as evidence.
            throw new InvalidDataException("the bundle holds files that are not regular files: "
                + string.Join(", ", tree.Special.Select(f => $"{f.Path} ({f.Kind})")));
        }
        var files = new List<EvidenceFile>();
        foreach (var path in tree.Files)
        {
            var full = Path.Combine(dir, path);
            files.Add(new EvidenceFile(path, await FileDigest.Sha256HexAsync(full, cancellationToken), new FileInfo(full).Length));
        }

        var generatedAt = EvidenceJson.Timestamp(request.GeneratedAt);
        var index = new EvidenceIndex(request.RunId, generatedAt, dir, files.Count, files) { DryRun = request.DryRun ? true : null };
        var indexBytes = EvidenceJson.Bytes(index);
        var indexFile = Path.Combine(dir, BundleFiles.Index);
        await File.WriteAllBytesAsync(indexFile, indexBytes, cancellationToken);

        var sumsFile = Path.Combine(dir, BundleFiles.Sha256Sums);
        var sumsBytes = new UTF8Encoding(false).GetBytes(string.Concat(files.Select(Sha256SumsLine)));
        await File.WriteAllBytesAsync(sumsFile, sumsBytes, cancellationToken);

        string? hmacFile = null;
        if (!string.IsNullOrEmpty(request.HmacKey))
        {
            hmacFile = Path.Combine(dir, BundleFiles.HmacSignature);
            var signature = new EvidenceHmacSignature(request.RunId, generatedAt, EvidenceSignatures.HmacAlgorithm, BundleFiles.Index,
                EvidenceSignatures.HmacHex(request.HmacKey, indexBytes));
            await File.WriteAllBytesAsync(hmacFile, EvidenceJson.Bytes(signature), cancellationToken);
        }

        string? ecdsaFile = null;
        string? sumsSignatureFile = null;
        if (request.SigningKey is { } key)
        {
            ecdsaFile = Path.Combine(dir, BundleFiles.EcdsaSignature);
            await File.WriteAllBytesAsync(ecdsaFile, EvidenceSignatures.EcdsaSign(key, indexBytes), cancellationToken);
            // SHA256SUMS is what `sha256sum -c` trusts: signed itself, so a forged file with a fixed line is caught by openssl.
            sumsSignatureFile = Path.Combine(dir, BundleFiles.Sha256SumsSignature);
            await File.WriteAllBytesAsync(sumsSignatureFile, EvidenceSignatures.EcdsaSign(key, sumsBytes), cancellationToken);
        }
        return new SealedBundle(files.Count, indexFile, sumsFile, hmacFile, ecdsaFile, sumsSignatureFile);
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
