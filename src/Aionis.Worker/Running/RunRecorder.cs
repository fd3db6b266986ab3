using Aionis.Data.History;
using Aionis.Data.Model;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aionis.Worker.Running;

/// <summary>
/// Records runs in <c>worker.job_runs</c>, falling back to the spool when the database cannot be reached.
/// Without a configured database it records nothing and says so (a warning) for each run.
/// </summary>
public sealed class RunRecorder(RunHistoryStore? store, RunSpool spool, ILogger<RunRecorder> logger)
{
    public bool Enabled => store is not null;

    public async Task StartAsync(JobRun run, CancellationToken cancellationToken)
    {
        if (store is null)
        {
            RunnerLog.NotRecorded(logger);
            return;
        }
        try
        {
            await store.StartAsync(run, cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnreachable(e))
        {
            RunnerLog.StartNotRecorded(logger, run.RunId, e.Message);
        }
    }

    public async Task FinishAsync(JobRun run, CancellationToken cancellationToken)
    {
        if (store is null) return;
        try
        {
            await store.WriteFinishedAsync(run, cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnreachable(e) || e is OperationCanceledException)
        {
            spool.Keep(run);
        }
    }

    /// <summary>
    /// Log lines about a run written after it ended (its retry, its operator alerts). Best effort: when the database is
    /// gone they are only on the console (the run's record itself is safe in the spool).
    /// </summary>
    public async Task AddLateLogsAsync(Guid runId, RunLog log, CancellationToken cancellationToken)
    {
        var lines = log.TakePending();
        if (store is null || lines.Count == 0) return;
        try
        {
            await store.AddLogsAsync(runId, lines, cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnreachable(e) || PostgresFailures.IsForeignKeyViolation(e))
        {
            // A foreign-key violation: the run's row itself is still in the spool.
            RunnerLog.LateLogsLost(logger, runId, e.Message);
        }
    }

    /// <summary>Collects a run's steps; they are written with the finished run (or spooled with it).</summary>
    public IStepRecorder StepsFor(JobRun run) => new CollectingStepRecorder(run);

    private sealed class CollectingStepRecorder(JobRun run) : IStepRecorder
    {
        public Task RecordAsync(JobStep step, CancellationToken cancellationToken = default)
        {
            lock (run.Steps)
            {
                run.Steps.Add(new JobRunStep
                {
                    RunId = run.RunId,
                    Seq = run.Steps.Count + 1,
                    Name = step.Name,
                    Status = step.Status,
                    StartedAt = step.StartedAt,
                    FinishedAt = step.FinishedAt,
                    Detail = JobJson.SerializeCompact(step.Detail ?? new { }),
                });
            }
            return Task.CompletedTask;
        }
    }
}
