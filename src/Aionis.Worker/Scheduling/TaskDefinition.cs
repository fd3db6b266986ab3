using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aionis.Worker.Scheduling;

/// <summary>An <c>after:</c> entry as persisted (<see cref="AfterDependency"/>).</summary>
public sealed record AfterEntry(string Task, double WithinSeconds, string Status)
{
    public TimeSpan Within => TimeSpan.FromSeconds(WithinSeconds);
}

/// <summary>
/// A task as persisted in its Quartz job's data: enough for any node to run it, whatever registry file that node has.
/// Schedule fields live in the trigger; everything else here, hashed so a sync rewrites only what changed.
/// </summary>
public sealed record TaskDefinition(
    string Job,
    Dictionary<string, object?> Inputs,
    bool DryRun,
    double TimeoutSeconds,
    OverlapPolicy Overlap,
    int MaxAttempts,
    double BackoffSeconds,
    double MaxBackoffSeconds,
    bool NotifyOnFailure,
    bool NotifyOnGateFailed,
    string NotifySeverity,
    List<string> NotifyChannels,
    double? OverdueAfterSeconds,
    bool RequestsRecovery,
    string? Description,
    string? Owner,
    string Schedule,
    string TimeZone,
    // Later fields are left out of the JSON at their default, so tasks that do not use them keep their hash.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] double JitterSeconds = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] double? CatchUpWindowSeconds = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] string? Group = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int GroupMaxRunning = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] List<AfterEntry>? After = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Disabled = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? LongRunningAfterSeconds = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? LongRunningP95Factor = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static TaskDefinition From(RegistryTask task) => new(
        task.Job.Name,
        new Dictionary<string, object?>(task.Inputs.OrderBy(i => i.Key, StringComparer.Ordinal)),
        task.DryRun,
        task.Timeout.TotalSeconds,
        task.Overlap,
        task.Retry.MaxAttempts,
        task.Retry.Backoff.TotalSeconds,
        task.Retry.MaxBackoff.TotalSeconds,
        task.Notify.OnFailure,
        task.Notify.OnGateFailed,
        task.Notify.Severity,
        task.Notify.Channels.ToList(),
        task.Notify.OverdueAfter?.TotalSeconds,
        task.RequestsRecovery,
        task.Description,
        task.Owner,
        task.Schedule,
        task.TimeZone,
        task.Jitter.TotalSeconds,
        task.CatchUpWindow?.TotalSeconds,
        task.Group?.Name,
        task.Group?.MaxRunning ?? 0,
        task.After.Count == 0 ? null : task.After.Select(a => new AfterEntry(a.Task, a.Within.TotalSeconds, a.Status)).ToList(),
        !task.Enabled,
        task.Notify.LongRunningAfter?.TotalSeconds,
        task.Notify.LongRunningP95Factor);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The persisted definition, its inputs in the shape of <see cref="InputValues"/> (JSON elements made plain).</summary>
    public static TaskDefinition FromJson(string json)
    {
        var definition = JsonSerializer.Deserialize<TaskDefinition>(json, Json) ?? throw new InvalidOperationException("empty task definition");
        return definition with { Inputs = definition.Inputs.ToDictionary(i => i.Key, i => InputValues.Plain(i.Value), StringComparer.Ordinal) };
    }

    public string Hash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson())));

    public RetryPolicy Retry => new(MaxAttempts, TimeSpan.FromSeconds(BackoffSeconds), TimeSpan.FromSeconds(MaxBackoffSeconds));

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    public TimeSpan Jitter => TimeSpan.FromSeconds(JitterSeconds);

    public TimeSpan? CatchUpWindow => CatchUpWindowSeconds is { } s ? TimeSpan.FromSeconds(s) : null;

    /// <summary>Whether the task declared a <c>notify</c> block at all.</summary>
    public bool HasNotify => NotifyOnFailure || NotifyOnGateFailed || OverdueAfterSeconds is not null || NotifyChannels.Count > 0
        || LongRunningAfterSeconds is not null || LongRunningP95Factor is not null;
}
