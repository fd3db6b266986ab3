using Aionis.Data.History;
using Aionis.Data.Model;
using Aionis.Jobs.Framework;

namespace Aionis.Worker.Running;

/// <summary>
/// The one place a run's <c>worker.job_runs</c> row is assembled: <see cref="Start"/> from the request (written
/// <c>running</c> before the job starts), <see cref="Finish"/> from its result (one update), for a run and a skipped fire alike.
/// </summary>
public static class RunRecord
{
    public static JobRun Start(RunRequest request, DateTimeOffset startedAt, string node, string? traceId) => new()
    {
        RunId = request.RunId,
        TaskId = request.TaskId,
        Job = request.Job.Name,
        Trigger = request.Trigger,
        DryRun = request.DryRun,
        Status = RunStatus.Running,
        ScheduledFor = request.ScheduledFor,
        StartedAt = startedAt,
        Node = node,
        Attempt = request.Attempt,
        FireInstanceId = request.FireInstanceId,
        TenantId = request.TenantId,
        // Secret options are stored redacted (Secrets): the row is read by operators and exported with bundles.
        Inputs = Secrets.RedactedInputs(request.Job, request.Options).ToJsonString(),
        RegistryHash = request.RegistryHash,
        TriggeredBy = request.TriggeredBy,
        TraceId = traceId,
    };

    /// <param name="context">The run's context (its planned actions and artifacts); null for a fire that never ran.</param>
    public static void Finish(JobRun run, RunResult result, DateTimeOffset finishedAt, long durationMs, JobContext? context, RunLog log)
    {
        run.Status = result.Status;
        run.Ok = result.Ok;
        run.ExitCode = result.ExitCode;
        run.FinishedAt = finishedAt;
        run.DurationMs = durationMs;
        run.Summary = result.Summary is null ? null : JobJson.SerializeCompact(result.Summary);
        if (context is not null)
        {
            run.PlannedActions = JobJson.SerializeCompact(context.Actions.ToList());
            run.Artifacts = JobJson.SerializeCompact(context.Artifacts.ToDictionary());
        }
        run.Error = result.Error;
        run.Logs = log.TakePending();
    }
}
