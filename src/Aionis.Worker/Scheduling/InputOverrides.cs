using System.Text.Json;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// The inputs an enqueued run overrides (<c>run --set</c>, a rerun's original inputs), as they travel in its trigger's
/// job data: a JSON object whose values are strings or lists of strings, so a list stays a list (joining it with commas
/// would turn <c>[a, b]</c> into the single item <c>"a,b"</c> for an option that is not comma-separated).
/// </summary>
public static class InputOverrides
{
    public static string Serialize(IReadOnlyDictionary<string, object?> overrides) =>
        overrides.Count == 0 ? "" : JsonSerializer.Serialize(overrides);

    /// <returns>Each value as a string or a list of strings, ready for <see cref="Jobs.Framework.OptionBinder"/>.</returns>
    public static Dictionary<string, object?> Parse(string? json)
    {
        if (json is not { Length: > 0 }) return [];
        return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!.ToDictionary(p => p.Key, p => Plain(p.Value), StringComparer.Ordinal);
    }

    private static object? Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().Select(Text).ToList(),
        JsonValueKind.Null => null,
        _ => Text(value),
    };

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
