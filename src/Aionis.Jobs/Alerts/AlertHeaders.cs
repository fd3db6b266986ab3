namespace Aionis.Jobs.Alerts;

/// <summary>Header rules for route and channel headers: valid tokens, no CR/LF (header injection), no transport or signature headers.</summary>
public static class AlertHeaders
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer", "keep-alive",
        "proxy-authorization", AlertRequest.IdempotencyKeyHeader, AlertSignature.Header, AlertSignature.TimestampHeader,
    };

    /// <summary>Why this header may not be sent, or null when it may.</summary>
    public static string? Reject(string name, string value)
    {
        if (name.Length == 0 || !name.All(IsTokenChar))
        {
            return $"header name '{Printable(name)}' is not a valid token";
        }
        if (Reserved.Contains(name))
        {
            return $"header '{name}' may not be set by a route or channel";
        }
        if (value.Any(c => c is '\r' or '\n' or '\0' || (char.IsControl(c) && c != '\t')))
        {
            return $"header '{name}' has a control character in its value";
        }
        return null;
    }

    private static bool IsTokenChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
        || "!#$%&'*+-.^_`|~".Contains(c);

    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
