using System.Text.Json;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

/// <summary>
/// Offline verification of an incident bundle (reference §9, contract §8 and §9.7): digests, sizes, missing files, paths
/// escaping the bundle, files the index does not list, the HMAC and the ECDSA signature. Needs no database.
/// </summary>
[Job("hosted-incident-verify", "Verify an incident evidence bundle offline: digests, sizes, unindexed files, HMAC and ECDSA signatures",
    NeedsDatabase = false)]
public sealed class IncidentVerifyJob : IJob<IncidentVerifyOptions, IncidentVerifySummary>
{
    public async Task<IncidentVerifySummary> RunAsync(IncidentVerifyOptions options, JobContext context)
    {
        var bundleDir = Path.TrimEndingDirectorySeparator(context.ResolvePath(options.BundleDir, "bundle-dir"));
        var indexFile = options.IndexFile is { Length: > 0 } i ? context.ResolvePath(i, "index-file") : Path.Combine(bundleDir, BundleFiles.Index);
        var hmacFile = options.SignatureFile is { Length: > 0 } s ? context.ResolvePath(s, "signature-file") : Path.Combine(bundleDir, BundleFiles.HmacSignature);
        var ecdsaFile = indexFile + ".sig";
        using var publicKey = options.PublicKeyPem is { Length: > 0 } pem ? EcdsaPem.Load(context.ResolvePath(pem, "public-key-pem"), "--public-key-pem") : null;

        if (!Directory.Exists(bundleDir))
        {
            throw new OptionBindingException([new OptionError("bundle-dir", options.BundleDir, "no such folder")]);
        }
        if (!File.Exists(indexFile))
        {
            throw new FileNotFoundException($"index file missing: {indexFile}");
        }
        var indexBytes = await File.ReadAllBytesAsync(indexFile, context.CancellationToken);
        using var index = JsonDocument.Parse(indexBytes);

        var files = await BundleVerifier.CheckFilesAsync(bundleDir, index.RootElement, [indexFile, hmacFile, ecdsaFile], context.CancellationToken);
        var hmac = await BundleVerifier.CheckHmacAsync(hmacFile, indexBytes, options.SigningKey, context.CancellationToken);
        var ecdsa = await BundleVerifier.CheckEcdsaAsync(ecdsaFile, indexBytes, publicKey, context.CancellationToken);

        var ok = files.Missing.Count == 0 && files.DigestMismatch.Count == 0 && files.SizeMismatch.Count == 0
            && files.InvalidPath.Count == 0 && files.Unindexed.Count == 0
            && hmac.Valid != false && ecdsa.Valid != false;
        return new IncidentVerifySummary(
            Ok: ok,
            Strict: options.Strict,
            CheckedAt: context.Now,
            BundleDir: bundleDir,
            IndexFile: indexFile,
            FilesIndexed: files.FilesIndexed,
            MissingCount: files.Missing.Count,
            DigestMismatchCount: files.DigestMismatch.Count,
            SizeMismatchCount: files.SizeMismatch.Count,
            SizeUnknownCount: files.SizeUnknown.Count,
            InvalidPathCount: files.InvalidPath.Count,
            UnindexedCount: files.Unindexed.Count,
            Missing: files.Missing,
            DigestMismatch: files.DigestMismatch,
            SizeMismatch: files.SizeMismatch,
            SizeUnknown: files.SizeUnknown,
            InvalidPath: files.InvalidPath,
            Unindexed: files.Unindexed,
            Signature: hmac,
            EcdsaSignature: ecdsa);
    }
}
