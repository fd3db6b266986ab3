using System.Security.Cryptography;
using System.Text;

namespace Aionis.Jobs.Alerts;

/// <summary>The reference's webhook signature: <c>x-aionis-signature = hex(HMAC_SHA256(secret, ts + "." + rawBody))</c>.</summary>
public static class AlertSignature
{
    public const string Header = "x-aionis-signature";
    public const string TimestampHeader = "x-aionis-signature-ts";

    public static string Compute(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
