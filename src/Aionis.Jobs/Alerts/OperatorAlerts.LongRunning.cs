using System.Text.Json.Nodes;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// <c>notify: { long_running_after: 20m }</c> (or <c>long_running: p95x3</c>): a run still going past its threshold
/// raises one alert while it runs; its end, however it ends, resolves it.
/// </summary>
public sealed partial class OperatorAlerts
{
    public const string LongRunningKind = "long_running";

    public Task LongRunningAsync(string taskId, string job, Guid runId, DateTimeOffset startedAt, TimeSpan threshold, NotifyPolicy policy,
        CancellationToken cancellationToken)
    {
        var summary = $"task {taskId} ({job}) run {runId} is still running after {DurationText(threshold)} (started {IsoTime.Format(startedAt)})";
        var payload = new JsonObject
        {
            ["task_id"] = taskId,
            ["job"] = job,
            ["run_id"] = runId.ToString(),
            ["started_at"] = IsoTime.Format(startedAt),
            ["threshold_seconds"] = threshold.TotalSeconds,
            ["status_command"] = $"aionis history show {runId}",
        };
        return RaiseAsync(taskId, LongRunningKind, policy, renotifyAfter: null, notice: null, ("job_long_running", summary, payload), cancellationToken);
    }

    public Task LongRunEndedAsync(string taskId, Guid runId, string status, NotifyPolicy policy, CancellationToken cancellationToken) =>
        ResolveAsync(taskId, [LongRunningKind], policy, $"run {runId} ended {status}", cancellationToken);

    private static string DurationText(TimeSpan span) => Aionis.Jobs.Framework.DurationText.Format(span);
}
