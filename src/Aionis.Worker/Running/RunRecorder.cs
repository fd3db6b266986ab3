using Aionis.Data.History;
using Aionis.Data.Model;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Running;

/// <summary>
/// Records runs in <c>worker.job_runs</c>, falling back to the spool when the database cannot be reached.
/// Without a configured database it records nothing and says so once on stderr.
/// </summary>
public sealed class RunRecorder(RunHistoryStore? store, RunSpool spool, ILogger<RunRecorder> logger)
{
    public bool Enabled => store is not null;

    public async Task StartAsync(JobRun run, CancellationToken cancellationToken)
    {
        if (store is null)
        {
            Console.Error.WriteLine("aionis: no database configured; this run is not recorded in history");
            return;
        }
        try
        {
            await store.StartAsync(run, cancellationToken);
        }
        catch (Exception e) when (DatabaseFailures.IsUnreachable(e))
        {
            logger.LogWarning("could not write the start of run {RunId}: {Error}; its record will be spooled", run.RunId, e.Message);
        }
    }

    public async Task FinishAsync(JobRun run, CancellationToken cancellationToken)
    {
        if (store is null) return;
        try
        {
            await store.FinishAsync(run, cancellationToken);
            foreach (var step in run.Steps)
            {
                await store.AddStepAsync(step, cancellationToken);
            }
        }
        catch (Exception e) when (DatabaseFailures.IsUnreachable(e) || e is OperationCanceledException)
        {
            spool.Keep(run);
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
