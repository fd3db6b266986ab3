using Aionis.Data.Pauses;
using Aionis.Jobs.Alerts;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// <c>after:</c> without a schedule: when a live run of a task ends, each task that follows it with that status is
/// enqueued (a persisted one-shot trigger any node fires), its run recording <c>triggered_by: after:&lt;upstream run id&gt;</c>.
/// Runs on the node that ran the upstream; the downstream may run on any. A task with a schedule as well is not
/// enqueued: its <c>after:</c> guards its scheduled fires (<see cref="TaskJob"/>). A paused follower is not enqueued
/// either, as a paused task's schedule does not fire; the upstream run's log says so.
/// </summary>
public sealed class AfterTrigger(ISchedulerFactory schedulers, PersistedSchedule persisted, TaskEnqueuer enqueuer, TaskPauseStore pauses,
    ILogger<AfterTrigger> logger) : IRunObserver
{
    public async Task OnRunFinishedAsync(RunFinishedNotice run, TaskDefinition definition, CancellationToken cancellationToken)
    {
        // A dry run changes nothing a follower could build on; a failed attempt that will be retried has not ended yet.
        if (run.DryRun || (Aionis.Data.History.RunStatus.IsFailure(run.Status) && run.Attempt < run.MaxAttempts)) return;
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var (taskId, follower) in await persisted.DownstreamOfAsync(scheduler.SchedulerName, run.TaskId, cancellationToken))
        {
            if (!follower.Enabled || follower.Schedule.Length > 0) continue;
            if (!follower.After.Any(a => a.Task == run.TaskId && a.Status == run.Status)) continue;
            if (await pauses.IsPausedAsync(taskId, cancellationToken))
            {
                AfterTriggerLog.Paused(logger, taskId, run.TaskId, run.RunId, run.Status);
                continue;
            }
            await enqueuer.EnqueueAsync(scheduler, taskId, dryRun: false, new Dictionary<string, object?>(), $"after:{run.RunId}", cancellationToken);
            AfterTriggerLog.Enqueued(logger, taskId, run.TaskId, run.RunId, run.Status);
        }
    }
}

/// <summary>Log events of task dependencies (event ids 1150–1159).</summary>
internal static partial class AfterTriggerLog
{
    [LoggerMessage(EventId = 1150, Level = LogLevel.Information, Message = "task {Task} enqueued: its upstream {Upstream} run {RunId} ended {Status}")]
    public static partial void Enqueued(ILogger logger, string task, string upstream, Guid runId, string status);

    [LoggerMessage(EventId = 1151, Level = LogLevel.Warning, Message = "task {Task} not enqueued: it is paused (its upstream {Upstream} run {RunId} ended {Status})")]
    public static partial void Paused(ILogger logger, string task, string upstream, Guid runId, string status);
}
