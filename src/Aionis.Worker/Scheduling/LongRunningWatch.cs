using Aionis.Data.History;
using Aionis.Jobs.Alerts;
using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// Watches one live run for <c>notify.long_running_after</c> / <c>long_running: p95xN</c>: past the threshold it
/// raises a <c>long_running</c> operator alert while the run goes on; when the run ends the alert is resolved.
/// </summary>
public sealed class LongRunningWatch(OperatorAlerts alerts, TaskDurationStore durations, TimeProvider clock, ILogger<LongRunningWatch> logger)
{
    /// <returns>Disposed when the run has ended (<paramref name="status"/> then says how); null when nothing is watched.</returns>
    public async Task<Watch?> StartAsync(string taskId, string job, Guid runId, TaskDefinition definition, CancellationToken cancellationToken)
    {
        var policy = definition.Notify;
        TimeSpan? threshold = policy.LongRunningAfter is { } fixedAfter ? fixedAfter
            : policy.LongRunningP95Factor is { } factor && await P95Async(taskId, cancellationToken) is { } p95 ? p95 * factor
            : null;
        if (threshold is not { } after) return null;
        var started = clock.GetUtcNow();
        var stop = new CancellationTokenSource();
        var raised = Task.Run(async () =>
        {
            await Task.Delay(after, clock, stop.Token);
            await alerts.LongRunningAsync(taskId, job, runId, started, after, policy, CancellationToken.None);
        }, CancellationToken.None);
        return new Watch(alerts, logger, taskId, runId, policy, stop, raised);
    }

    /// <summary>Without the history (database away) there is no p95 to scale: the run goes unwatched, not unrun.</summary>
    private async Task<TimeSpan?> P95Async(string taskId, CancellationToken cancellationToken)
    {
        try
        {
            return await durations.P95Async(taskId, cancellationToken);
        }
        catch (Exception e) when (Aionis.Jobs.Framework.PostgresFailures.IsUnreachable(e))
        {
            return null;
        }
    }

    public sealed class Watch(OperatorAlerts alerts, ILogger logger, string taskId, Guid runId, NotifyPolicy policy, CancellationTokenSource stop, Task raised)
    {
        public async Task EndAsync(string status)
        {
            await stop.CancelAsync();
            try
            {
                await raised;
            }
            catch (OperationCanceledException)
            {
                stop.Dispose();
                return; // ended before the threshold: nothing was raised
            }
            catch (Exception e)
            {
                LongRunningLog.AlertFailed(logger, e, taskId, runId);
            }
            stop.Dispose();
            await alerts.LongRunEndedAsync(taskId, runId, status, policy, CancellationToken.None);
        }
    }
}

/// <summary>Log events of the long-running watch (event ids 1160–1169).</summary>
internal static partial class LongRunningLog
{
    [LoggerMessage(EventId = 1160, Level = LogLevel.Error, Message = "task {Task}: the long-running alert of run {RunId} could not be raised")]
    public static partial void AlertFailed(ILogger logger, Exception exception, string task, Guid runId);
}
