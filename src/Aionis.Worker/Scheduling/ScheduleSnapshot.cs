using Quartz;
using Quartz.Extensibility;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// The persisted schedule of the tasks a sync is about to change, disable or remove, read before its first write, so a
/// sync that fails half way can put every one of them back and delete what it added.
/// </summary>
/// <remarks>
/// Quartz's AdoJobStore (JobStoreTX) commits each scheduler call on its own; only <c>ScheduleJobs</c> takes many jobs in
/// one transaction, and it can neither unschedule nor delete. So a sync is one transaction for what it adds and changes
/// plus separate calls for disabling and removing, and this snapshot makes the whole of it all or nothing for anyone
/// reading the schedule after the sync returns (the sync holds the registry lock throughout; a firing in between is
/// not prevented).
/// </remarks>
public sealed class ScheduleSnapshot
{
    private readonly List<(IJobDetail Job, ITrigger? Trigger, bool Paused)> _changed = [];
    private readonly List<(IJobDetail Job, IReadOnlyCollection<ITrigger> Triggers)> _removed = [];

    private ScheduleSnapshot() { }

    public static async Task<ScheduleSnapshot> CaptureAsync(IScheduler scheduler, SyncPlan plan, CancellationToken cancellationToken)
    {
        var snapshot = new ScheduleSnapshot();
        foreach (var change in plan.Changed)
        {
            var job = await scheduler.GetJobDetail(ScheduleKeys.Job(change.Task.Id), cancellationToken);
            if (job is null) continue;
            var key = ScheduleKeys.Trigger(change.Task.Id);
            var trigger = await scheduler.GetTrigger(key, cancellationToken);
            var paused = trigger is not null && await scheduler.GetTriggerState(key, cancellationToken) == TriggerState.Paused;
            snapshot._changed.Add((job, trigger, paused));
        }
        foreach (var id in plan.Removed)
        {
            var job = await scheduler.GetJobDetail(ScheduleKeys.Job(id), cancellationToken);
            if (job is null) continue;
            snapshot._removed.Add((job, await scheduler.GetTriggersOfJob(job.Key, cancellationToken)));
        }
        return snapshot;
    }

    /// <summary>Every changed task back as it was, every removed one back if it is gone, every added one deleted.</summary>
    public async Task RestoreAsync(IScheduler scheduler, SyncPlan plan, CancellationToken cancellationToken)
    {
        var writes = new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>>();
        foreach (var (job, trigger, _) in _changed)
        {
            writes[job] = trigger is null ? [] : [Resuming(trigger)];
        }
        foreach (var (job, triggers) in _removed)
        {
            // Removals are one Quartz transaction: either all of them are gone or none is.
            if (!await scheduler.Exists(job.Key, cancellationToken)) writes[job] = triggers.Select(Resuming).ToList();
        }
        if (writes.Count > 0) await scheduler.ScheduleJobs(writes, ScheduleJobOptions.Replacing, cancellationToken);
        foreach (var (job, trigger, paused) in _changed)
        {
            var key = ScheduleKeys.Trigger(job.Key.Name);
            if (trigger is null) await scheduler.UnscheduleJob(key, cancellationToken);
            else if (paused) await scheduler.PauseTrigger(key, cancellationToken);
        }
        if (plan.Added.Count > 0) await scheduler.DeleteJobs(plan.Added.Select(t => ScheduleKeys.Job(t.Id)).ToList(), cancellationToken);
    }

    /// <summary>
    /// The trigger as it was, starting at its next fire time: Quartz computes a stored trigger's first fire time from
    /// its start, so the original start would replay every fire time since (a misfire), and now would skip a due one.
    /// </summary>
    private static ITrigger Resuming(ITrigger trigger)
    {
        var copy = (IOperableTrigger)trigger.Clone();
        if (trigger.NextFireTimeUtc is { } next) copy.StartTimeUtc = next;
        return copy;
    }
}
