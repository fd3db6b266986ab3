using Quartz;

namespace Aionis.Worker.Scheduling;

/// <summary>Hands a task to the persisted scheduler: a one-shot trigger that any running node fires (trigger <c>enqueued</c>).</summary>
public sealed class TaskEnqueuer(TimeProvider clock)
{
    /// <param name="triggeredBy">Recorded as the run's <c>triggered_by</c> (<c>cli:user@host</c>, <c>demo_kickoff</c>).</param>
    /// <param name="runId">The run's id in history (a new one when null).</param>
    /// <param name="logicalTime">The fire time the run stands for (rerun, backfill): its <c>scheduled_for</c> and its job's clock.</param>
    /// <param name="requestedBy">The operator who asked when <paramref name="triggeredBy"/> names the control instead (rerun, backfill).</param>
    public async Task<TriggerKey> EnqueueAsync(IScheduler scheduler, string taskId, bool dryRun, IReadOnlyDictionary<string, object?> overrides,
        string triggeredBy, CancellationToken cancellationToken, Guid? runId = null, DateTimeOffset? logicalTime = null, string? requestedBy = null)
    {
        if (!await scheduler.Exists(ScheduleKeys.Job(taskId), cancellationToken))
        {
            throw new InvalidOperationException($"task '{taskId}' is not in the persisted schedule: run 'aionis registry sync' or start 'aionis serve' first");
        }
        var key = new TriggerKey($"{taskId}.{Guid.NewGuid():N}", ScheduleKeys.EnqueuedGroup);
        var trigger = TriggerBuilder.Create(clock)
            .WithIdentity(key)
            .ForJob(ScheduleKeys.Job(taskId))
            .StartAt(clock.GetUtcNow())
            .UsingJobData(ScheduleKeys.DryRunOverride, dryRun ? "true" : "false")
            .UsingJobData(ScheduleKeys.InputOverrides, TaskInputs.SerializeOverrides(overrides))
            .UsingJobData(ScheduleKeys.TriggeredBy, triggeredBy)
            .UsingJobData(ScheduleKeys.RequestedBy, requestedBy ?? "")
            .UsingJobData(ScheduleKeys.RunId, (runId ?? Guid.CreateVersion7()).ToString())
            .UsingJobData(ScheduleKeys.LogicalTime, logicalTime?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "")
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleJob(trigger, default, cancellationToken);
        return key;
    }
}
