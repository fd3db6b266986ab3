using System.Text.Json;
using Aionis.Data.History;
using Aionis.Data.Model;
using Aionis.Jobs.Framework;
using Aionis.Worker.Running;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Aionis.Worker.Cli;

/// <summary>
/// Runs of a persisted task with a logical time (<c>rerun</c>, <c>backfill</c>): in this process under the task's
/// overlap policy, or enqueued for any node (<c>--enqueue</c>) and followed to their end. Both record the fire time
/// as <c>scheduled_for</c> and run the job with it as its clock.
/// </summary>
public sealed class PersistedTaskRuns(SchedulerClient client, IConfiguration configuration)
{
    /// <summary>The task's persisted definition (from any host, whatever registry file it has); null when the schedule has no such task.</summary>
    public async Task<TaskDefinition?> FindAsync(string taskId, CancellationToken cancellationToken) =>
        await client.Scheduler.GetJobDetail(ScheduleKeys.Job(taskId), cancellationToken) is { } detail ? TaskDefinition.Of(detail) : null;

    /// <param name="inputs">Inputs over the task's own (a rerun: the original run's); binding errors throw <see cref="OptionBindingException"/>.</param>
    public async Task<RunResult> RunHereAsync(TaskDefinition task, IReadOnlyDictionary<string, object?> inputs, bool dryRun, DateTimeOffset logicalTime,
        string triggeredBy, CancellationToken cancellationToken)
    {
        var job = JobCatalog.Default.Get(task.Job);
        var options = TaskInputs.Bind(job, task.Inputs, inputs, key => configuration[key]);
        var log = new RunLog(client.Services.GetRequiredService<TimeProvider>());
        log.Add("info", RequestedByLine.Of(triggeredBy, task.Id, logicalTime, CliRunIdentity.TriggeredBy));
        var request = new RunRequest(job, options)
        {
            TaskId = task.Id,
            DryRun = dryRun || task.DryRun,
            Timeout = task.Timeout,
            FireInstanceId = CliRunIdentity.Current,
            TriggeredBy = triggeredBy,
            ScheduledFor = logicalTime,
            LogicalTime = logicalTime,
            Log = log,
        };
        return await CliCancellation.FollowAsync(client.Services, OverlapGate.RunAsync(client.Services.GetRequiredService<JobRunner>(),
            client.Services.GetRequiredService<TaskLock>(), task.Overlap, request, cancellationToken));
    }

    /// <summary>Enqueues the run for any node and waits for its row to end.</summary>
    public async Task<JobRun> EnqueueAndWaitAsync(TaskDefinition task, IReadOnlyDictionary<string, object?> inputs, bool dryRun, DateTimeOffset logicalTime,
        string triggeredBy, CancellationToken cancellationToken)
    {
        var runId = Guid.CreateVersion7();
        await client.Services.GetRequiredService<TaskEnqueuer>().EnqueueAsync(client.Scheduler, task.Id, dryRun || task.DryRun, inputs,
            triggeredBy, cancellationToken, runId, logicalTime, requestedBy: CliRunIdentity.TriggeredBy);
        Console.Error.WriteLine($"enqueued run {runId} of {task.Id} as of {CliTime.Format(logicalTime)}; waiting for a node to run it");
        return (await RunWaiter.WaitForEndAsync(client.Services.GetRequiredService<RunHistoryStore>(), runId, limit: null, cancellationToken))!;
    }

    /// <summary>A finished row as the CLI prints it (<c>--json</c>): the same fields as <c>aionis run --json</c>.</summary>
    public static object Describe(JobRun run) => new
    {
        run_id = run.RunId,
        task_id = run.TaskId,
        status = run.Status,
        exit_code = run.ExitCode,
        ok = run.Ok,
        scheduled_for = run.ScheduledFor,
        triggered_by = run.TriggeredBy,
        node = run.Node,
        error = run.Error,
        summary = run.Summary is null ? (JsonElement?)null : JsonDocument.Parse(run.Summary).RootElement,
    };
}
