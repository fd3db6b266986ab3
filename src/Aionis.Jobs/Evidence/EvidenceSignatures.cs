using System.Security.Cryptography;
using System.Text;

namespace Aionis.Jobs.Evidence;

/// <summary>The two signatures over the index's bytes: the reference's HMAC and an ECDSA P-256 signature openssl checks.</summary>
public static class EvidenceSignatures
{
    public const string HmacAlgorithm = "HMAC-SHA256";

    /// <summary><c>openssl dgst -sha256 -hmac KEY</c>: HMAC-SHA256 keyed with the UTF-8 key, lowercase hex.</summary>
    public static string HmacHex(string key, byte[] data) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), data));

    /// <summary>A DER (RFC 3279) signature, the form <c>openssl dgst -sha256 -verify pub.pem -signature</c> reads.</summary>
    public static byte[] EcdsaSign(ECDsa key, byte[] data) =>
        key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public static bool EcdsaVerify(ECDsa key, byte[] data, byte[] signature) =>
        key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary>Case-sensitive like the reference's string compare, in constant time.</summary>
    public static bool SameHex(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual));
}
