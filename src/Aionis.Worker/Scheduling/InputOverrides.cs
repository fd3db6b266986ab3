using System.Text.Json;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// The inputs an enqueued run overrides (<c>run --set</c>, a rerun's original inputs), as they travel in its trigger's
/// job data: a JSON object of <see cref="InputValues"/>, so a list stays a list (joining it with commas would turn
/// <c>[a, b]</c> into the single item <c>"a,b"</c> for an option that is not comma-separated).
/// </summary>
public static class InputOverrides
{
    public static string Serialize(IReadOnlyDictionary<string, object?> overrides) =>
        overrides.Count == 0 ? "" : JsonSerializer.Serialize(overrides);

    /// <returns>Each value in the shape of <see cref="InputValues"/>, as the task's own inputs.</returns>
    public static Dictionary<string, object?> Parse(string? json) => InputValues.FromJsonObject(json);
}
