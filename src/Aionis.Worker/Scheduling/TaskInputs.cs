using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aionis.Jobs.Framework;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// A task's inputs on their way to the job. One shape, whatever they were written in (a registry YAML value, the JSON
/// of a task's persisted definition, of an enqueued run's overrides or of a past run's inputs for <c>rerun</c>): null, a
/// <see cref="bool"/>, a <see cref="long"/>, a <see cref="double"/>, a <see cref="string"/> or a list of strings; the
/// binder converts it to the option's type and checks its range. And one binding: "inputs, then overrides" — the task's
/// own inputs with the overrides of one run (<c>aionis run --set</c>, an enqueued run's, a rerun's original inputs)
/// taking their place key by key. Every way a task runs binds through <see cref="Bind"/>, once per run.
/// </summary>
public static class TaskInputs
{
    /// <param name="inputs">The task's inputs (registry names).</param>
    /// <param name="overrides">Values that replace the inputs of the same name.</param>
    /// <param name="defaults">Configuration values for options neither sets (<see cref="OptionAttribute.DefaultFrom"/>).</param>
    /// <exception cref="OptionBindingException">An input or override the job does not take, or a bad value.</exception>
    public static JobOptions Bind(JobDescriptor job, IReadOnlyDictionary<string, object?> inputs, IReadOnlyDictionary<string, object?> overrides,
        Func<string, string?> defaults) =>
        OptionBinder.Bind(job, inputs.Where(i => !overrides.ContainsKey(i.Key)).Concat(overrides), defaults);

    /// <summary>
    /// The overrides of an enqueued run as they travel in its trigger's job data: a JSON object, so a list stays a list
    /// (joining it with commas would turn <c>[a, b]</c> into the single item <c>"a,b"</c> for an option that is not
    /// comma-separated). Empty: none.
    /// </summary>
    public static string SerializeOverrides(IReadOnlyDictionary<string, object?> overrides) =>
        overrides.Count == 0 ? "" : JsonSerializer.Serialize(overrides);

    /// <summary>Overrides read back from job data (<see cref="SerializeOverrides"/>), in the shape of the task's own inputs.</summary>
    public static Dictionary<string, object?> ParseOverrides(string? json) => FromJsonObject(json);

    /// <summary>
    /// A past run's recorded inputs (<c>worker.job_runs.inputs</c>) as overrides of a rerun: nulls and masked secrets
    /// are left out, so those come from the task's inputs and settings again.
    /// </summary>
    public static Dictionary<string, object?> OfRecordedRun(string json) =>
        FromJsonObject(json).Where(i => i.Value is not (null or Secrets.Mask)).ToDictionary(StringComparer.Ordinal);

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
