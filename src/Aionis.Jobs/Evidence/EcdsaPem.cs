using System.Security.Cryptography;

namespace Aionis.Jobs.Evidence;

/// <summary>Loads ECDSA P-256 keys from PEM files, with errors that name where the path came from (never the key).</summary>
public static class EcdsaPem
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>A private key (<c>EC PRIVATE KEY</c> or PKCS#8 <c>PRIVATE KEY</c>) for signing.</summary>
    public static ECDsa LoadPrivate(string path, string source)
    {
        var key = Load(path, source);
        try
        {
            key.ExportParameters(includePrivateParameters: true);
            return key;
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{source} '{path}': holds no private key (a signing key is needed)");
        }
    }

    /// <summary>A public key (<c>PUBLIC KEY</c>); a private key PEM works too, its public half is used.</summary>
    public static ECDsa Load(string path, string source)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{source} '{path}': file not found");
        }
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{source} '{path}': not an unencrypted PEM EC key");
        }
        if (key.ExportParameters(includePrivateParameters: false).Curve.Oid.Value != P256Oid)
        {
            key.Dispose();
            throw new InvalidOperationException($"{source} '{path}': not a P-256 (prime256v1) key");
        }
        return key;
    }
}
