using Aionis.Data.Pauses;
using Quartz;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// Persisted pauses: a <c>worker.task_pauses</c> row (kept as history when the pause ends) plus Quartz's own pause of
/// the task's triggers. A pause with <c>until</c> is lifted by the worker's maintenance loop (maintenance windows).
/// </summary>
public sealed class TaskPauses(TaskPauseStore store, TimeProvider clock)
{
    /// <summary>Who ends a pause whose <c>until</c> has passed.</summary>
    public const string MaintenanceWindowEnd = "worker:until";

    public async Task PauseAsync(IScheduler scheduler, string taskId, string reason, DateTimeOffset? until, string pausedBy, CancellationToken cancellationToken)
    {
        if (!await scheduler.Exists(ScheduleKeys.Job(taskId), cancellationToken))
        {
            throw new InvalidOperationException($"task '{taskId}' is not in the persisted schedule");
        }
        await store.PauseAsync(taskId, reason, until, pausedBy, clock.GetUtcNow(), cancellationToken);
        await scheduler.PauseJob(ScheduleKeys.Job(taskId), cancellationToken);
    }

    /// <returns>False when the task was not paused.</returns>
    public async Task<bool> ResumeAsync(IScheduler scheduler, string taskId, string resumedBy, CancellationToken cancellationToken)
    {
        var resumed = await store.ResumeAsync(taskId, resumedBy, clock.GetUtcNow(), cancellationToken);
        if (await scheduler.Exists(ScheduleKeys.Job(taskId), cancellationToken))
        {
            await scheduler.ResumeJob(ScheduleKeys.Job(taskId), cancellationToken);
        }
        return resumed;
    }

    /// <summary>Lifts pauses whose <c>until</c> has passed; returns the resumed task ids.</summary>
    public async Task<IReadOnlyList<string>> ResumeExpiredAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        var expired = await store.ExpiredAsync(clock.GetUtcNow(), cancellationToken);
        foreach (var taskId in expired)
        {
            await ResumeAsync(scheduler, taskId, MaintenanceWindowEnd, cancellationToken);
        }
        return expired;
    }
}
