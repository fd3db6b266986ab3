using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// The one shape a task input has on its way to <see cref="Jobs.Framework.OptionBinder"/>, whatever it was written in:
/// a registry YAML value, the JSON of a task's persisted definition, of an enqueued run's overrides or of a past run's
/// inputs (<c>rerun</c>). A value is null, a <see cref="bool"/>, a <see cref="long"/>, a <see cref="double"/>, a
/// <see cref="string"/> or a list of strings; the binder converts it to the option's type and checks its range.
/// </summary>
public static class InputValues
{
    /// <summary>
    /// A YAML value: plain scalars are typed (<c>168</c> a long, <c>true</c> a bool, <c>~</c> null), quoted ones stay text,
    /// a sequence of scalars is a list of its items' text. <paramref name="ok"/> is false for any other node (a mapping).
    /// </summary>
    public static object? FromYaml(YamlNode node, out bool ok)
    {
        ok = true;
        switch (node)
        {
            case YamlSequenceNode seq when seq.Children.All(c => c is YamlScalarNode):
                return seq.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList();
            case YamlScalarNode { Style: ScalarStyle.Plain } plain:
                var text = plain.Value ?? "";
                if (text is "" or "~" or "null") return null;
                if (text is "true" or "false") return text == "true";
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) return whole;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return number;
                return text;
            case YamlScalarNode quoted:
                return quoted.Value ?? "";
            default:
                ok = false;
                return null;
        }
    }

    /// <summary>A JSON value: numbers, booleans, strings and null as themselves, an array as the text of its items.</summary>
    public static object? FromJson(JsonElement value) => value.ValueKind switch
    {
        // (object) first: a conditional of long and double would be a double.
        JsonValueKind.Number => value.TryGetInt64(out var whole) ? (object)whole : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Array => value.EnumerateArray().Select(Text).ToList(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    /// <summary>A JSON object of inputs (empty or missing text: none), each value made plain by <see cref="FromJson(JsonElement)"/>.</summary>
    public static Dictionary<string, object?> FromJsonObject(string? json)
    {
        if (json is not { Length: > 0 }) return new(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal);
    }

    /// <summary>Values already in memory: JSON elements and nodes (a deserialised dictionary) made plain, others kept.</summary>
    public static object? Plain(object? value) => value switch
    {
        JsonElement element => FromJson(element),
        JsonNode node => FromJson(JsonSerializer.SerializeToElement(node)),
        _ => value,
    };

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
