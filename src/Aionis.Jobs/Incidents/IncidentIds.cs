using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Aionis.Jobs.Incidents;

/// <summary>Incident ids (<c>inc_YYYYMMDD_HHMM_xxxxxx</c>) and signatures.</summary>
public static partial class IncidentIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A new id from the creation time (UTC, to the minute) and six random characters of [a-z0-9].</summary>
    public static string New(DateTimeOffset at) =>
        $"inc_{at.UtcDateTime.ToString("yyyyMMdd_HHmm", CultureInfo.InvariantCulture)}_{RandomNumberGenerator.GetString(Alphabet, 6)}";

    public static bool IsValid(string id) => Format().IsMatch(id);

    /// <summary>sha256 (lower-case hex) of <c>service|env|kind|fingerprint</c>.</summary>
    public static string Signature(string service, string env, string kind, string fingerprint) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{service}|{env}|{kind}|{fingerprint}")));

    [GeneratedRegex("^inc_[0-9]{8}_[0-9]{4}_[a-z0-9]{6}$")]
    private static partial Regex Format();
}
