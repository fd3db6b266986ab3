using Aionis.Data.History;
using Aionis.Jobs.Alerts;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// The one Quartz adapter: runs the job of any registry task through the <see cref="JobRunner"/>, applying the task's
/// overlap, timeout and retry policy from its persisted definition. The whole fire, retry scheduling and observers
/// included, runs in the run's logging scope, so every line about it names the run and lands in its stored log.
/// </summary>
public class TaskJob(
    JobCatalog catalog,
    JobRunner runner,
    InFlightRuns inFlight,
    TaskLock taskLock,
    GroupSlots groupSlots,
    UpstreamRunStore upstreamRuns,
    LongRunningWatch longRunning,
    RunRecorder recorder,
    IConfiguration configuration,
    TimeProvider clock,
    IEnumerable<IRunObserver> observers,
    ILogger<TaskJob> logger) : Quartz.IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var definition = TaskDefinition.Of(context.JobDetail);
        var taskId = definition.Id;
        var data = context.MergedJobDataMap;
        var attempt = int.TryParse(data.GetString(ScheduleKeys.Attempt), out var a) ? a : 1;
        var job = catalog.Get(definition.Job);

        var missed = MissedFires.Of(context, configuration.GetValue<TimeSpan?>("Worker:MisfireThreshold") ?? WorkerOptions.DefaultMisfireThreshold);
        var trigger = TriggerKind(context, missed);
        // The one binding of this fire: the task's inputs, then the run's overrides. A bad value is the run's setup error.
        JobOptions options;
        string? setupError = null;
        try
        {
            options = TaskInputs.Bind(job, definition.Inputs, TaskInputs.ParseOverrides(data.GetString(ScheduleKeys.InputOverrides)), key => configuration[key]);
        }
        catch (OptionBindingException e)
        {
            (options, setupError) = (job.CreateOptions(), e.Message);
        }
        var request = new RunRequest(job, options)
        {
            SetupError = setupError,
            TaskId = taskId,
            Trigger = trigger,
            TriggeredBy = TriggeredBy(trigger, data),
            Log = new RunLog(clock),
            DryRun = definition.DryRun || data.GetString(ScheduleKeys.DryRunOverride) == "true",
            ScheduledFor = context.ScheduledFireTimeUtc,
            Attempt = attempt,
            FireInstanceId = context.FireInstanceId,
            RegistryHash = TaskDefinition.RegistryHashOf(context.JobDetail),
            Timeout = definition.Timeout,
        };
        if (Guid.TryParse(data.GetString(ScheduleKeys.RunId), out var runId) && trigger == RunTrigger.Enqueued)
        {
            request = request with { RunId = runId };
        }
        if (DateTimeOffset.TryParse(data.GetString(ScheduleKeys.LogicalTime), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.RoundtripKind, out var logical))
        {
            request = request with { LogicalTime = logical, ScheduledFor = logical };
            if (data.GetString(ScheduleKeys.RequestedBy) is { Length: > 0 } operatorName)
            {
                request.Log!.Add("info", RequestedByLine.Of(request.TriggeredBy!, taskId, logical, operatorName));
            }
        }

        using var scope = logger.BeginScope(new RunScope(request.RunId, taskId, request.Log!));
        // In flight until the retry and the observers are done too: a shutdown drains on this count, and once Quartz
        // starts shutting down it refuses to schedule, so a follower enqueued or a retry scheduled after it would be lost.
        using var run = inFlight.Track(cancellationToken);
        var result = await FireAsync(definition, request, missed, run.Token);

        var retry = definition.Retry;
        if (result.Status is RunStatus.Failed or RunStatus.TimedOut && attempt < retry.MaxAttempts && request.SetupError is null)
        {
            await ScheduleRetryAsync(context, data, attempt, retry.DelayAfter(attempt), result.RunId);
        }
        var finished = new RunFinishedNotice(taskId, job.Name, result.RunId, result.Status, attempt, retry.MaxAttempts, result.Error, clock.GetUtcNow(),
            DryRun: request.DryRun);
        foreach (var observer in observers)
        {
            try
            {
                await observer.OnRunFinishedAsync(finished, definition, CancellationToken.None);
            }
            catch (Exception e)
            {
                TaskJobLog.ObserverFailed(logger, e, observer.GetType().Name);
            }
        }
        await recorder.AddLateLogsAsync(result.RunId, request.Log!, CancellationToken.None);
    }

    /// <summary>
    /// Before the run: missed fires older than <c>catch_up_window</c> are dropped (one skipped row counts them), a
    /// scheduled fire of a task with <c>after:</c> is skipped unless each upstream ended so within its window, a
    /// scheduled fire waits out its jitter, and a task of a concurrency group takes a slot of it (or skips, with overlap
    /// <c>skip</c>). A dry run takes no slot, as it takes no overlap lock.
    /// </summary>
    private async Task<RunResult> FireAsync(TaskDefinition definition, RunRequest request, MissedFires missed, CancellationToken cancellationToken)
    {
        if (definition.CatchUpWindow is { } window && missed.OlderThan(window, clock.GetUtcNow()) is > 0 and var dropped)
        {
            var skipped = await runner.RecordSkippedAsync(request with { RunId = Guid.CreateVersion7() }, missed.DroppedReason(dropped, window), cancellationToken);
            if (dropped == missed.Count) return skipped;
        }
        if (request.Trigger is RunTrigger.Schedule or RunTrigger.CatchUp && definition.After is { Count: > 0 } after)
        {
            foreach (var upstream in after)
            {
                if (await upstreamRuns.LastEndedAsync(upstream.Task, upstream.Status, clock.GetUtcNow() - upstream.Within, cancellationToken) is null)
                {
                    return await runner.RecordSkippedAsync(request,
                        $"after: {upstream.Task} has no {upstream.Status} live run within {DurationText.Format(upstream.Within)}", cancellationToken);
                }
            }
        }
        if (request.Trigger == RunTrigger.Schedule && request.ScheduledFor is { } due && definition.Jitter > TimeSpan.Zero)
        {
            var offset = FireJitter.Offset(request.TaskId!, due, definition.Jitter);
            var now = clock.GetUtcNow();
            var wait = due + offset - now;
            // Said either way (and so kept in the run's log): a start later than its offset is then the fire's own lateness.
            if (wait > TimeSpan.Zero)
            {
                TaskJobLog.JitterWait(logger, request.TaskId!, due, wait, offset);
                await Task.Delay(wait, clock, cancellationToken);
            }
            else
            {
                TaskJobLog.JitterPassed(logger, request.TaskId!, due, now - due, offset);
            }
        }
        if (definition.Group is not { } group || request.DryRun)
        {
            return await RunAsync(definition, request, cancellationToken);
        }
        IAsyncDisposable? slot;
        try
        {
            slot = definition.Overlap == OverlapPolicy.Skip
                ? await groupSlots.TryAcquireAsync(group.Name, group.MaxRunning, cancellationToken)
                : await groupSlots.AcquireAsync(group.Name, group.MaxRunning, cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnreachable(e))
        {
            return await runner.RecordSkippedAsync(request, $"database unreachable, group {group.Name} could not be checked: {e.Message}", cancellationToken);
        }
        await using (slot)
        {
            return slot is null
                ? await runner.RecordSkippedAsync(request, $"group {group.Name} already runs {group.MaxRunning} task(s) (max_running; overlap: skip)", cancellationToken)
                : await RunAsync(definition, request, cancellationToken);
        }
    }

    /// <summary>Runs the request under the task's overlap policy (<see cref="OverlapGate"/>), watched while it runs.</summary>
    private Task<RunResult> RunAsync(TaskDefinition definition, RunRequest request, CancellationToken cancellationToken) =>
        OverlapGate.RunAsync(runner, taskLock, definition.Overlap, request,
            token => WatchedRunAsync(definition, request, token), cancellationToken);

    /// <summary>The run itself; a live one is watched for its long-running alert, resolved when it ends.</summary>
    private async Task<RunResult> WatchedRunAsync(TaskDefinition definition, RunRequest request, CancellationToken cancellationToken)
    {
        var watch = request.DryRun ? null : await longRunning.StartAsync(request.TaskId!, request.Job.Name, request.RunId, definition, cancellationToken);
        RunResult? result = null;
        try
        {
            return result = await runner.RunAsync(request, cancellationToken);
        }
        finally
        {
            if (watch is not null) await watch.EndAsync(result?.Status ?? RunStatus.Cancelled);
        }
    }

    private async Task ScheduleRetryAsync(IJobExecutionContext context, JobDataMap data, int attempt, TimeSpan delay, Guid failedRun)
    {
        var trigger = TriggerBuilder.Create(clock)
            .WithIdentity($"{context.JobDetail.Key.Name}.{failedRun:N}", ScheduleKeys.RetryGroup)
            .ForJob(context.JobDetail.Key)
            .StartAt(clock.GetUtcNow() + delay)
            .UsingJobData(ScheduleKeys.Attempt, (attempt + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .UsingJobData(ScheduleKeys.DryRunOverride, data.GetString(ScheduleKeys.DryRunOverride) ?? "false")
            .UsingJobData(ScheduleKeys.InputOverrides, data.GetString(ScheduleKeys.InputOverrides) ?? "")
            .UsingJobData(ScheduleKeys.TriggeredBy, RunTrigger.Retry)
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        try
        {
            await context.Scheduler.ScheduleJob(trigger, default, CancellationToken.None);
        }
        catch (Exception e) when (PostgresFailures.IsUnreachable(e))
        {
            TaskJobLog.RetryNotScheduled(logger, context.JobDetail.Key.Name, failedRun, e.Message);
            return;
        }
        TaskJobLog.RetryScheduled(logger, context.JobDetail.Key.Name, attempt, attempt + 1, delay);
    }

    /// <summary>
    /// <c>triggered_by</c>: who asked for the run. Enqueued runs carry it in their trigger (<c>cli:user@host</c>); a
    /// retry is a retry whoever started the first attempt; scheduled and catch-up fires are the schedule's.
    /// </summary>
    private static string TriggeredBy(string trigger, JobDataMap data) => trigger switch
    {
        RunTrigger.Recovery => RunTrigger.Recovery,
        RunTrigger.Retry => RunTrigger.Retry,
        RunTrigger.Enqueued => data.GetString(ScheduleKeys.TriggeredBy) is { Length: > 0 } by ? by : RunTrigger.Enqueued,
        _ => RunTrigger.Schedule,
    };

    private static string TriggerKind(IJobExecutionContext context, MissedFires missed)
    {
        if (context.Recovering) return RunTrigger.Recovery;
        return context.Trigger.Key.Group switch
        {
            ScheduleKeys.RetryGroup => RunTrigger.Retry,
            ScheduleKeys.EnqueuedGroup => RunTrigger.Enqueued,
            _ when missed.Count > 0 => RunTrigger.CatchUp,
            _ => RunTrigger.Schedule,
        };
    }
}

/// <summary><c>overlap: queue</c>: Quartz holds further fires of the task until the running one ends, cluster-wide.</summary>
[DisallowConcurrentExecution]
public sealed class QueuedTaskJob(
    JobCatalog catalog, JobRunner runner, InFlightRuns inFlight, TaskLock taskLock, GroupSlots groupSlots, UpstreamRunStore upstreamRuns,
    LongRunningWatch longRunning, RunRecorder recorder, IConfiguration configuration, TimeProvider clock, IEnumerable<IRunObserver> observers,
    ILogger<TaskJob> logger)
    : TaskJob(catalog, runner, inFlight, taskLock, groupSlots, upstreamRuns, longRunning, recorder, configuration, clock, observers, logger);

/// <summary>Log events of the Quartz adapter (event ids 1100–1199).</summary>
internal static partial class TaskJobLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "task {Task} attempt {Attempt} failed; attempt {Next} in {Delay}")]
    public static partial void RetryScheduled(ILogger logger, string task, int attempt, int next, TimeSpan delay);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "task {Task}: the retry of run {RunId} could not be scheduled, the database is unreachable ({Error})")]
    public static partial void RetryNotScheduled(ILogger logger, string task, Guid runId, string error);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "run observer {Observer} failed")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, string observer);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "task {Task}: the fire of {Due:O} waits {Wait} to start at its jitter offset {Offset}")]
    public static partial void JitterWait(ILogger logger, string task, DateTimeOffset due, TimeSpan wait, TimeSpan offset);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "task {Task}: the fire of {Due:O} came {Late} after its slot, past its jitter offset {Offset}: it starts now")]
    public static partial void JitterPassed(ILogger logger, string task, DateTimeOffset due, TimeSpan late, TimeSpan offset);
}

public static class TaskJobs
{
    /// <summary>The adapter type for an overlap policy (Quartz reads concurrency from the job class).</summary>
    public static Type For(OverlapPolicy overlap) => overlap == OverlapPolicy.Queue ? typeof(QueuedTaskJob) : typeof(TaskJob);
}
