using System.Text.Json.Nodes;

namespace Aionis.Jobs.Framework;

/// <summary>Keeps secrets out of logs, history rows and summaries: they print as <c>***</c>.</summary>
public static class Secrets
{
    public const string Mask = "***";

    /// <summary>Keeps scheme and host of a URL; its user info, path and query may carry secrets (webhook tokens).</summary>
    public static string RedactUrl(string? url)
    {
        if (string.IsNullOrEmpty(url)) return url ?? "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.IsFile) return Mask;
        var port = uri.IsDefaultPort ? "" : $":{uri.Port}";
        var hasMore = uri.PathAndQuery is not ("/" or "") || uri.UserInfo.Length > 0;
        return $"{uri.Scheme}://{uri.Host}{port}{(hasMore ? "/" + Mask : "")}";
    }

    /// <summary>The options of a run as a JSON object, with secret options masked — what history stores as <c>inputs</c>.</summary>
    public static JsonObject RedactedInputs(JobDescriptor job, JobOptions options)
    {
        var inputs = new JsonObject();
        foreach (var option in job.Options)
        {
            var value = option.Property.GetValue(options);
            inputs[option.RegistryName] = option.IsSecret && value is not (null or "")
                ? Mask
                : value switch
                {
                    null => null,
                    string[] list => new JsonArray(list.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray()),
                    _ => JsonValue.Create(value),
                };
        }
        return inputs;
    }
}
