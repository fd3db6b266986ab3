using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aionis.Jobs.Framework;

/// <summary>How summaries are written: snake_case names, indented, numbers as JSON numbers, nulls kept.</summary>
public static class JobJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: true);

    /// <summary>The same naming on one line, for history columns.</summary>
    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    public static string Serialize(object? value) => JsonSerializer.Serialize(value, value?.GetType() ?? typeof(object), Options);

    public static string SerializeCompact(object? value) => JsonSerializer.Serialize(value, value?.GetType() ?? typeof(object), Compact);

    /// <summary>Writes the value as indented JSON plus a newline, creating parent folders (the reference's <c>--out</c>).</summary>
    public static async Task WriteFileAsync(string path, object? value, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, Serialize(value) + "\n", cancellationToken).ConfigureAwait(false);
    }

    private static JsonSerializerOptions Create(bool indented) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = indented,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new UtcTimestampConverter() },
    };
}
