using Aionis.Data.Pauses;
using Aionis.Data.Registry;
using Aionis.Worker.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;
using Quartz.Extensibility;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// Reconciles task_registry.yml with the persisted schedule under a PostgreSQL advisory lock: new tasks added, changed
/// tasks replaced, removed tasks deleted, unchanged triggers left alone so their next fire time survives restarts and
/// nodes with the same file never fight. Every sync, accepted or rejected, is a row in <c>worker.registry_syncs</c>.
/// </summary>
public sealed class RegistrySynchronizer(
    [FromKeyedServices(QuartzSetup.EnlistedDataSource)] NpgsqlDataSource dataSource, PersistedSchedule persisted, RegistrySyncStore syncs, TimeProvider clock, IOptions<WorkerOptions> worker, ILogger<RegistrySynchronizer> logger)
{
    private const long SyncLockKey = 0x41494f4e49530001; // "AIONIS" + 1: one registry sync at a time in the cluster

    public async Task<SyncPlan> PlanAsync(IScheduler scheduler, TaskRegistry registry, CancellationToken cancellationToken) =>
        Plan(await persisted.ReadAsync(scheduler.SchedulerName, cancellationToken), registry);

    /// <summary>
    /// All or nothing: every job and trigger is built and checked before the first write, so a schedule that cannot
    /// fire rejects the whole file (a <c>rejected</c> sync row, <see cref="RegistryInvalidException"/>) and nothing of
    /// it is applied. The writes — calendars, additions, changes, disabling, removals, re-pausing — and the
    /// <c>accepted</c> sync row are then one database transaction that Quartz's job store joins
    /// (<see cref="SchedulerEnlistmentExtensions.EnlistTransaction"/>): a node firing triggers meanwhile sees the old
    /// schedule or the new one, never a part of it. When any write fails the transaction is rolled back, a
    /// <c>rejected</c> row is written and <see cref="RegistrySyncFailedException"/> thrown.
    /// </summary>
    public async Task<SyncPlan> SyncAsync(IScheduler scheduler, TaskRegistry registry, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({SyncLockKey})", connection))
        {
            await take.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            var plan = Plan(await persisted.ReadAsync(connection, scheduler.SchedulerName, cancellationToken), registry);
            var paused = await TaskPauseStore.PausedAsync(connection, cancellationToken);
            var (writes, calendars, problems) = Build(plan, registry);
            if (problems.Count > 0)
            {
                await RecordRejectedAsync(connection, registry.Hash, problems, cancellationToken);
                throw new RegistryInvalidException(registry.Path, problems);
            }
            try
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                // The enlistment follows the asynchronous flow, so it is taken here, around every scheduler call of the
                // sync, and ends after the commit: Quartz signals its scheduler thread once the change is visible.
                // Quartz's trigger lock is held in this transaction until the commit, which keeps it short: every trigger
                // was built above, only the writes happen inside.
                using (scheduler.EnlistTransaction(transaction))
                {
                    await ApplyAsync(scheduler, connection, plan, writes, calendars, paused, cancellationToken);
                    await RecordAsync(connection, registry.Hash, accepted: true, plan.Added.Select(t => t.Id), plan.Changed.Select(c => c.Task.Id), plan.Removed, [], cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }
            }
            catch (Exception e)
            {
                // Also when cancelled half way (a stop during the sync): disposing the transaction rolled all of it back.
                var error = $"applying the sync failed, nothing of it was applied: {e.Message}";
                await RecordAsync(connection, registry.Hash, accepted: false, [], [], [], [error], CancellationToken.None);
                if (e is OperationCanceledException) throw;
                throw new RegistrySyncFailedException(registry.Path, error, e);
            }
            if (!plan.IsEmpty)
            {
                RegistryLog.Synced(logger,
                    registry.Hash[..12], plan.Added.Count, plan.Changed.Count, plan.Removed.Count, plan.Unchanged);
            }
            return plan;
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({SyncLockKey})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>The job of every added or changed task, with its trigger (and the trigger's calendar) when that is new or different.</summary>
    private (Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>> Writes, Dictionary<string, ICalendar> Calendars, List<RegistryError> Problems) Build(
        SyncPlan plan, TaskRegistry registry)
    {
        var writes = new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>>();
        var calendars = new Dictionary<string, ICalendar>(StringComparer.Ordinal);
        var problems = new List<RegistryError>();
        var tasks = plan.Added.Select(t => (Task: t, WithTrigger: HasCron(t)))
            .Concat(plan.Changed.Select(c => (c.Task, WithTrigger: c.TriggerChanged && HasCron(c.Task))));
        foreach (var (task, withTrigger) in tasks)
        {
            var trigger = withTrigger ? BuildTrigger(task) : null;
            var calendar = trigger is null ? null : task.Calendar?.Build();
            if (calendar is not null) calendars[CalendarName(task)!] = calendar;
            // What Quartz checks inside ScheduleJobs, done for every task first so one bad schedule stops all of them.
            if (trigger is IOperableTrigger operable && operable.ComputeFirstFireTimeUtc(calendar) is null)
            {
                problems.Add(new RegistryError(Path.GetFileName(registry.Path), task.Line, task.Column, task.Id, "schedule",
                    $"'{task.Schedule}' never fires from now on in {task.TimeZone}{(calendar is null ? "" : " outside its exclude_calendars")}"));
            }
            writes[BuildJob(task, registry)] = trigger is null ? [] : [trigger];
        }
        return (writes, calendars, problems);
    }

    private async Task ApplyAsync(IScheduler scheduler, NpgsqlConnection connection, SyncPlan plan, Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>> writes,
        Dictionary<string, ICalendar> calendars, IReadOnlySet<string> paused, CancellationToken cancellationToken)
    {
        // A trigger's calendar must exist before the trigger; its name carries a hash, so no other trigger uses it yet.
        foreach (var (name, calendar) in calendars)
        {
            await scheduler.AddCalendar(name, calendar, AddCalendarOptions.Replacing, cancellationToken);
        }
        if (writes.Count > 0)
        {
            // One call for every addition and change: a fresh 1,000-task registry is one batch, not 2,000 calls.
            await scheduler.ScheduleJobs(writes, ScheduleJobOptions.Replacing, cancellationToken);
        }
        var disabled = plan.Changed.Where(c => c.TriggerChanged && !HasCron(c.Task)).Select(c => ScheduleKeys.Trigger(c.Task.Id)).ToList();
        if (disabled.Count > 0)
        {
            await scheduler.UnscheduleJobs(disabled, cancellationToken);
        }
        if (plan.Removed.Count > 0)
        {
            await scheduler.DeleteJobs(plan.Removed.Select(ScheduleKeys.Job).ToList(), cancellationToken);
        }
        // A stored trigger starts out waiting; a paused task's new trigger is paused again.
        foreach (var trigger in writes.Values.SelectMany(t => t).Where(t => paused.Contains(t.Key.Name)))
        {
            await scheduler.PauseTrigger(trigger.Key, cancellationToken);
        }
        foreach (var unused in await PersistedSchedule.UnusedTaskCalendarsAsync(connection, scheduler.SchedulerName, cancellationToken))
        {
            await scheduler.DeleteCalendar(unused, cancellationToken);
        }
    }

    private static SyncPlan Plan(IReadOnlyDictionary<string, PersistedTask> persisted, TaskRegistry registry)
    {
        var added = new List<TaskDefinition>();
        var changed = new List<TaskChange>();
        var unchanged = 0;
        foreach (var task in registry.Tasks)
        {
            if (!persisted.TryGetValue(task.Id, out var stored))
            {
                added.Add(task);
                continue;
            }
            var definitionChanged = stored.DefinitionHash != task.Hash()
                || stored.JobClass != PersistedSchedule.JobClassName(TaskJobs.For(task.Overlap))
                || stored.RequestsRecovery != task.RequestsRecovery;
            var triggerChanged = HasCron(task)
                ? !stored.HasTrigger || stored.CronExpression != task.QuartzCron || stored.TimeZone != Zone(task).Id
                  || stored.MisfireInstruction != (int)MisfireInstruction(task) || stored.CalendarName != CalendarName(task)
                : stored.HasTrigger;
            if (definitionChanged || triggerChanged) changed.Add(new TaskChange(task, definitionChanged, triggerChanged));
            else unchanged++;
        }
        var removed = persisted.Keys.Where(id => registry.Find(id) is null).Order(StringComparer.Ordinal).ToList();
        return new SyncPlan(added, changed, removed, unchanged);
    }

    /// <summary>An invalid file changes nothing; the rejection and its errors are recorded and logged.</summary>
    public async Task RecordRejectedAsync(string hash, IReadOnlyList<RegistryError> errors, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await RecordRejectedAsync(connection, hash, errors, cancellationToken);
    }

    private async Task RecordRejectedAsync(NpgsqlConnection connection, string hash, IReadOnlyList<RegistryError> errors, CancellationToken cancellationToken)
    {
        foreach (var error in errors)
        {
            RegistryLog.Rejected(logger, error.ToString());
        }
        await RecordAsync(connection, hash, accepted: false, [], [], [], errors.Select(e => e.ToString()), cancellationToken);
    }

    /// <summary>Whether the task gets a cron trigger: enabled, with a schedule of its own (not only <c>after:</c>).</summary>
    private static bool HasCron(TaskDefinition task) => task.Enabled && task.Scheduled;

    private static string? CalendarName(TaskDefinition task) => task.Calendar?.QuartzName(task.Id);

    private ITrigger BuildTrigger(TaskDefinition task) => TriggerBuilder.Create(clock)
        .WithIdentity(ScheduleKeys.Trigger(task.Id))
        .ForJob(ScheduleKeys.Job(task.Id))
        .WithDescription(task.Description)
        .WithCalendarName(CalendarName(task))
        .WithCronSchedule(task.QuartzCron, cron =>
        {
            cron.InTimeZone(Zone(task));
            cron.WithMisfireInstruction(MisfireInstruction(task));
        })
        .StartAt(clock.GetUtcNow())
        .Build();

    private static IJobDetail BuildJob(TaskDefinition task, TaskRegistry registry) =>
        JobBuilder.Create()
            .OfType(TaskJobs.For(task.Overlap))
            .WithIdentity(ScheduleKeys.Job(task.Id))
            .WithDescription(task.Description)
            .StoreDurably()
            .RequestRecovery(task.RequestsRecovery)
            .UsingJobData(task.ToJobData(registry.Hash))
            .Build();

    private static TimeZoneInfo Zone(TaskDefinition task) => TimeZoneInfo.FindSystemTimeZoneById(task.TimeZone);

    private static CronTriggerMisfireInstruction MisfireInstruction(TaskDefinition task) => task.CatchUp == CatchUpPolicy.Once
        ? CronTriggerMisfireInstruction.FireAndProceed
        : CronTriggerMisfireInstruction.DoNothing;

    private Task RecordAsync(NpgsqlConnection connection, string hash, bool accepted, IEnumerable<string> added,
        IEnumerable<string> changed, IEnumerable<string> removed, IEnumerable<string> errors, CancellationToken cancellationToken)
        => syncs.RecordAsync(connection, new RegistrySyncRecord(clock.GetUtcNow(), worker.Value.NodeName, hash, accepted,
            added.ToList(), changed.ToList(), removed.ToList(), errors.ToList()), cancellationToken);
}
