using Aionis.Data.Model;
using Aionis.Data.Registry;
using Aionis.Data.Status;
using Aionis.Jobs.Alerts;
using Aionis.Worker.Configuration;
using Microsoft.Extensions.Options;
using Quartz;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// Connects the schedule to operator alerts (registry <c>notify:</c>): finished runs, runs found abandoned, and the
/// dead-man switch over every task that declares a <c>notify</c> block. Live runs only: a dry run neither opens an
/// alert nor resolves one, and the overdue check reads <c>task_status.last_success_at</c>, which counts live runs.
/// </summary>
public sealed class OperatorNotifications(OperatorAlerts alerts, TaskStatusStore status, RegistrySyncStore syncs, IOptions<WorkerOptions> worker,
    TimeProvider clock) : IRunObserver
{
    /// <summary>A run this node finished; alerts name this node (runs found abandoned name the node they ran on).</summary>
    public Task OnRunFinishedAsync(RunFinishedNotice run, TaskDefinition definition, CancellationToken cancellationToken) =>
        NotifyAsync(run with { Node = run.Node ?? worker.Value.NodeName }, definition, cancellationToken);

    private Task NotifyAsync(RunFinishedNotice run, TaskDefinition definition, CancellationToken cancellationToken) =>
        definition.Notify.Declared && !run.DryRun ? alerts.RunFinishedAsync(run, definition.Notify, cancellationToken) : Task.CompletedTask;

    /// <summary>An abandoned run is a failure of its last attempt: nothing will retry it.</summary>
    public async Task RunsAbandonedAsync(IScheduler scheduler, IEnumerable<JobRun> runs, CancellationToken cancellationToken)
    {
        foreach (var run in runs.Where(r => r.TaskId is not null && !r.DryRun))
        {
            if (await scheduler.GetJobDetail(ScheduleKeys.Job(run.TaskId!), cancellationToken) is not { } job) continue;
            var definition = TaskDefinition.Of(job);
            await NotifyAsync(new RunFinishedNotice(run.TaskId!, run.Job, run.RunId, Aionis.Data.History.RunStatus.Abandoned,
                run.Attempt, run.Attempt, run.Error, clock.GetUtcNow(), run.Node, run.DryRun), definition, cancellationToken);
        }
    }

    /// <summary>Tasks whose last success is older than twice their period (or <c>overdue_after</c>) raise <c>overdue</c>.</summary>
    public async Task CheckOverdueAsync(TaskRegistry registry, CancellationToken cancellationToken)
    {
        var watched = registry.Tasks.Where(t => t.Enabled && t.Scheduled && t.Notify.Declared).ToList();
        if (watched.Count == 0) return;
        await alerts.CheckOverdueAsync(await OverdueCandidatesAsync(watched, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// The dead-man switch's view of <paramref name="tasks"/> (paused ones left out): last live success, expected period,
    /// and when each was added. Also read by the monitoring gauges, so a rule and an alert call the same task overdue.
    /// </summary>
    public async Task<IReadOnlyList<OverdueCandidate>> OverdueCandidatesAsync(IReadOnlyCollection<TaskDefinition> tasks, CancellationToken cancellationToken)
    {
        if (tasks.Count == 0) return [];
        var lastSuccess = await status.LastSuccessOfUnpausedAsync(cancellationToken);
        var since = await syncs.FirstAddedAtAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return tasks
            .Where(t => lastSuccess.ContainsKey(t.Id))
            .Select(t => new OverdueCandidate(t.Id, lastSuccess[t.Id], ExpectedPeriod(t, now), t.Notify) { Since = since.GetValueOrDefault(t.Id) })
            .ToList();
    }

    /// <summary>The gap between two fires of the task's own schedule; none for a task with only <c>after:</c>.</summary>
    private static TimeSpan? ExpectedPeriod(TaskDefinition task, DateTimeOffset now) =>
        task.Scheduled ? CronSchedule.Period(task.QuartzCron, TimeZoneInfo.FindSystemTimeZoneById(task.TimeZone), now) : null;
}
