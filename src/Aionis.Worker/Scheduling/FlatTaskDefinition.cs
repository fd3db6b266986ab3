using System.Text.Json;
using System.Text.Json.Nodes;
using Aionis.Jobs.Alerts;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// Reads a task definition in the flat shape syncs wrote before <see cref="TaskDefinition"/> nested its policies
/// (<c>max_attempts</c>, <c>backoff_seconds</c>, <c>notify_on_failure</c>, <c>group_max_running</c>, <c>disabled</c>, …),
/// so a fire, rerun or alert acknowledgement between the upgrade and the next sync still finds the task.
/// </summary>
internal static class FlatTaskDefinition
{
    public static TaskDefinition Read(JsonObject flat, JsonSerializerOptions json)
    {
        T? Get<T>(string name) => flat[name] is { } value ? value.Deserialize<T>(json) : default;
        TimeSpan Seconds(string name) => TimeSpan.FromSeconds(Get<double>(name));
        TimeSpan? OptionalSeconds(string name) => Get<double?>(name) is { } s ? TimeSpan.FromSeconds(s) : null;
        return new TaskDefinition
        {
            Job = Get<string>("job")!,
            Description = Get<string>("description"),
            Owner = Get<string>("owner"),
            Schedule = Get<string>("schedule") ?? "",
            TimeZone = Get<string>("time_zone")!,
            Enabled = !Get<bool>("disabled"),
            DryRun = Get<bool>("dry_run"),
            Inputs = Get<Dictionary<string, object?>>("inputs") ?? [],
            Timeout = Seconds("timeout_seconds"),
            Overlap = Get<OverlapPolicy>("overlap"),
            CatchUpWindow = OptionalSeconds("catch_up_window_seconds"),
            Jitter = Seconds("jitter_seconds"),
            Retry = new RetryPolicy(Get<int>("max_attempts"), Seconds("backoff_seconds"), Seconds("max_backoff_seconds")),
            Notify = new NotifyPolicy
            {
                OnFailure = Get<bool>("notify_on_failure"),
                OnGateFailed = Get<bool>("notify_on_gate_failed"),
                Severity = Get<string>("notify_severity") ?? AlertSeverity.Warning,
                Channels = Get<List<string>>("notify_channels") ?? [],
                OverdueAfter = OptionalSeconds("overdue_after_seconds"),
                LongRunningAfter = OptionalSeconds("long_running_after_seconds"),
                LongRunningP95Factor = Get<double?>("long_running_p95_factor"),
            },
            Group = Get<string>("group") is { } group ? new ConcurrencyGroup(group, Get<int>("group_max_running")) : null,
            After = flat["after"] is JsonArray after
                ? after.Select(a => new AfterDependency(a!["task"]!.GetValue<string>(), TimeSpan.FromSeconds(a["within_seconds"]!.GetValue<double>()),
                    a["status"]!.GetValue<string>())).ToList()
                : [],
            RequestsRecovery = Get<bool>("requests_recovery"),
        };
    }
}
