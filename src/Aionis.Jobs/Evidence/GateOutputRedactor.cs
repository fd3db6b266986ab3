using System.Collections;
using System.Text.RegularExpressions;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;

namespace Aionis.Jobs.Evidence;

/// <summary>
/// Masks the worker's secrets in a gate command's output before it becomes evidence (a published bundle): the values of
/// every configuration key and environment variable whose name says secret (password, token, key, webhook, connection
/// string, …), and inside such values the parts that are the secret — <c>Password=</c> / <c>AccountKey=</c> of a
/// connection string, a URL's password and path (a Slack webhook's token is its path).
/// </summary>
public sealed partial class GateOutputRedactor
{
    /// <summary>Shorter values are not masked: they would garble ordinary output and are no credential anyway.</summary>
    private const int MinLength = 6;

    private readonly string[] _secrets;

    private GateOutputRedactor(IEnumerable<string> secrets) =>
        _secrets = secrets.Where(s => s.Length >= MinLength).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();

    public static GateOutputRedactor From(IConfiguration configuration)
    {
        var named = configuration.AsEnumerable()
            .Concat(Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().Select(e => new KeyValuePair<string, string?>((string)e.Key, (string?)e.Value)))
            .Where(pair => pair.Value is { Length: > 0 } && SecretName().IsMatch(pair.Key))
            .Select(pair => pair.Value!);
        return new GateOutputRedactor(named.SelectMany(SecretParts));
    }

    public string Redact(string line)
    {
        foreach (var secret in _secrets)
        {
            line = line.Replace(secret, Secrets.Mask, StringComparison.Ordinal);
        }
        return line;
    }

    /// <summary>A secret value, and the parts of it that would still be secret if printed on their own.</summary>
    private static IEnumerable<string> SecretParts(string value)
    {
        yield return value;
        foreach (Match part in SecretField().Matches(value)) yield return part.Groups["value"].Value;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && !uri.IsFile)
        {
            if (uri.UserInfo.Split(':', 2) is [_, var password]) yield return Uri.UnescapeDataString(password);
            if (uri.PathAndQuery.Length > 1) yield return uri.PathAndQuery;
        }
    }

    [GeneratedRegex("password|passwd|secret|token|key|credential|connection_?string|connectionstrings|database_url|webhook|dsn",
        RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex("(?:password|pwd|accountkey|sharedaccesskey|sharedaccesssignature)=(?<value>[^;]+)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretField();
}
