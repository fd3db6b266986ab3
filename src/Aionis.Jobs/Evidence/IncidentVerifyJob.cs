using System.Text.Json;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

/// <summary>
/// Offline verification of an incident bundle: digests, sizes, missing files, paths
/// escaping the bundle, files the index does not list, special files (never read), <c>SHA256SUMS</c> against the index,
/// the HMAC and the ECDSA signatures of the index and of <c>SHA256SUMS</c>. Needs no database.
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
        var indexBytes = await BundleVerifier.ReadRegularAsync(indexFile, context.CancellationToken)
            ?? throw new FileNotFoundException($"index file missing or not a regular file: {indexFile}");
        using var index = JsonDocument.Parse(indexBytes);

        var sumsFile = Path.Combine(bundleDir, BundleFiles.Sha256Sums);
        var sumsSignatureFile = Path.Combine(bundleDir, BundleFiles.Sha256SumsSignature);
        var files = await BundleVerifier.CheckFilesAsync(bundleDir, index.RootElement, [indexFile, hmacFile, ecdsaFile], context.CancellationToken);
        var sums = await Sha256SumsCheck.CheckAsync(sumsFile, files.IndexDigests, context.CancellationToken);
        var hmac = await BundleVerifier.CheckHmacAsync(hmacFile, indexBytes, options.SigningKey, context.CancellationToken);
        var ecdsa = await BundleVerifier.CheckEcdsaAsync(ecdsaFile, indexBytes, publicKey, context.CancellationToken);
        var sumsEcdsa = await BundleVerifier.CheckEcdsaAsync(sumsSignatureFile,
            await BundleVerifier.ReadRegularAsync(sumsFile, context.CancellationToken), publicKey, context.CancellationToken);

        // A verified signature: the HMAC, or the ECDSA signatures of both the index and SHA256SUMS (what auditors check).
        var verified = hmac.Valid == true || (ecdsa.Valid == true && sumsEcdsa.Valid == true);
        var ok = files.Missing.Count == 0 && files.DigestMismatch.Count == 0 && files.SizeMismatch.Count == 0
            && files.InvalidPath.Count == 0 && files.Unindexed.Count == 0 && files.SpecialFiles.Count == 0 && sums.Problems.Count == 0
            && hmac.Valid != false && ecdsa.Valid != false && sumsEcdsa.Valid != false
            && (verified || !options.RequireSignature);
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
            EcdsaSignature: ecdsa,
            SpecialFileCount: files.SpecialFiles.Count,
            SpecialFiles: files.SpecialFiles,
            Sha256Sums: sums,
            Sha256SumsSignature: sumsEcdsa,
            SignatureRequired: options.RequireSignature,
            SignatureVerified: verified);
    }
}
