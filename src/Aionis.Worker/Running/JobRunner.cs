using System.Diagnostics;
using Aionis.Data.History;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aionis.Worker.Running;

/// <summary>
/// Runs any job for the CLI and the scheduler alike: writes the history row before the job starts, fans out over
/// tenants, enforces the timeout, maps the outcome to a status and exit code, and finishes the row in one update.
/// </summary>
public sealed class JobRunner(
    IServiceProvider services,
    RunRecorder recorder,
    RunCancellations cancellations,
    TimeProvider clock,
    IOptions<WorkerOptions> worker,
    ILogger<JobRunner> logger)
{
    public const string AllTenants = "*";

    // The outcome lines (gate failed, failed with a known cause) under their own category: the CLI prints the outcome
    // itself, so it keeps them off its console (they still reach the run's log and every other sink).
    private readonly ILogger _outcome = services.GetRequiredService<ILoggerFactory>().CreateLogger(RunnerLog.OutcomeCategory);
    private readonly ILogger _progress = services.GetRequiredService<ILoggerFactory>().CreateLogger(RunnerLog.ProgressCategory);

    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var job = request.Job;
        if (job.NeedsDatabase && !recorder.Enabled)
        {
            throw new DatabaseNotConfiguredException();
        }

        var tenant = request.TenantId;
        var log = request.Log ?? new RunLog(clock);
        var runScope = new RunScope(request.RunId, request.TaskId, log);
        using var scope = logger.BeginScope(runScope);
        using var activity = WorkerTelemetry.ActivitySource.StartActivity($"job {request.TaskId ?? job.Name}");
        activity?.SetTag("aionis.task", request.TaskId);
        activity?.SetTag("aionis.job", job.Name);
        activity?.SetTag("aionis.dry_run", request.DryRun);
        activity?.SetTag("aionis.tenant", tenant);
        activity?.SetTag("aionis.run_id", request.RunId.ToString());
        var run = RunRecord.Start(request, clock.GetUtcNow(), worker.Value.NodeName, activity?.TraceId.ToString());

        await recorder.StartAsync(run, cancellationToken);
        RunnerLog.Started(logger, job.Name, run.Trigger, run.TriggeredBy, run.Attempt, request.DryRun ? ", dry run" : "");

        using var timeout = new CancellationTokenSource();
        using var cancel = cancellations.Register(run.RunId);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, cancel.Token);
        if (request.Timeout is { } limit)
        {
            timeout.CancelAfter(limit);
        }

        var context = new JobContext
        {
            RunId = run.RunId,
            TaskId = request.TaskId,
            TenantId = tenant == AllTenants ? null : tenant,
            DryRun = request.DryRun,
            Clock = request.LogicalTime is { } logical ? new LogicalClock(clock, logical) : clock,
            ArtifactsRoot = worker.Value.ArtifactsRoot,
            CancellationToken = linked.Token,
            Steps = recorder.StepsFor(run),
            // Through logging like every other line: the console names the run, the capture keeps it with the run. The
            // scope is pushed again for a job that reports from a callback outside the run's async flow.
            Progress = line =>
            {
                using var progressScope = _progress.BeginScope(runScope);
                RunnerLog.Progress(_progress, line);
            },
        };

        var stopwatch = Stopwatch.StartNew();
        RunResult result;
        try
        {
            if (request.SetupError is { } problem)
            {
                throw new OptionBindingException([new OptionError("inputs", null, problem)]);
            }
            // A job that ignores an operator's cancellation is abandoned after the grace: the runner stops waiting for it.
            var done = await JobCompletion.RunAsync(request.Options, context, () => (tenant == AllTenants && job.PerTenant
                ? FanOutAsync(request, context)
                : job.RunAsync(services, request.Options, context)).WaitAsync(cancel.Abandoned));
            if (done.SummaryPath is not null)
            {
                context.Artifacts.Add("summary_json", done.SummaryPath);
            }
            if (done.GateFailed)
            {
                var reason = done.Summary.NotOkReason ?? "verdict not ok (strict)";
                RunnerLog.GateFailed(_outcome, job.Name, reason);
                result = new RunResult(run.RunId, RunStatus.GateFailed, done.ExitCode, false, done.Summary, reason);
            }
            else
            {
                result = new RunResult(run.RunId, RunStatus.Succeeded, done.ExitCode, done.Summary.Ok, done.Summary, null);
            }
        }
        catch (OperationCanceledException) when (cancel.IsAbandoned)
        {
            ControlsLog.IgnoredCancellation(logger, job.Name, worker.Value.ShutdownGrace);
            result = new RunResult(run.RunId, RunStatus.Abandoned, ExitCodes.RuntimeError, null, null,
                $"{cancel.Reason}; the job ignored the cancellation for {DurationText.Format(worker.Value.ShutdownGrace)} and was abandoned");
        }
        catch (OperationCanceledException) when (cancel.IsCancelled)
        {
            result = new RunResult(run.RunId, RunStatus.Cancelled, ExitCodes.RuntimeError, null, null, cancel.Reason);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            result = new RunResult(run.RunId, RunStatus.TimedOut, ExitCodes.RuntimeError, null, null, $"timed out after {request.Timeout}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = new RunResult(run.RunId, RunStatus.Cancelled, ExitCodes.RuntimeError, null, null, "cancelled (shutdown or interrupt)");
        }
        catch (OptionBindingException e)
        {
            result = new RunResult(run.RunId, RunStatus.Failed, ExitCodes.Usage, null, null, e.Message);
        }
        catch (Exception e)
        {
            var unreachable = PostgresFailures.IsUnreachable(e);
            if (IsBug(e))
            {
                RunnerLog.Failed(logger, e, job.Name);
            }
            else
            {
                RunnerLog.FailedWith(_outcome, job.Name, JobErrors.Text(e));
            }
            result = new RunResult(run.RunId, RunStatus.Failed,
                unreachable ? ExitCodes.DatabaseUnavailable : ExitCodes.RuntimeError, null, null,
                unreachable ? $"database unreachable: {JobErrors.Text(e)}" : JobErrors.Text(e));
        }
        stopwatch.Stop();

        RunnerLog.Finished(logger, job.Name, result.Status, result.ExitCode, stopwatch.ElapsedMilliseconds);
        RunRecord.Finish(run, result, clock.GetUtcNow(), stopwatch.ElapsedMilliseconds, context, log);
        await recorder.FinishAsync(run, CancellationToken.None);

        activity?.SetTag("aionis.status", result.Status);
        if (result.Status is RunStatus.Failed or RunStatus.TimedOut)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Error);
        }
        // dry_run: alert rules count live failures only (deploy/prometheus/aionis-rules.yml).
        var tags = new TagList { { "task", request.TaskId ?? "" }, { "job", job.Name }, { "status", result.Status }, { "dry_run", request.DryRun } };
        WorkerTelemetry.Runs.Add(1, tags);
        WorkerTelemetry.Duration.Record(stopwatch.Elapsed.TotalSeconds, tags);
        return result;
    }

    /// <summary>
    /// Whether a failure is a defect in the worker, whose stack trace helps; storage, HTTP, database and file failures are
    /// told by their message alone (an SDK's stack trace is kilobytes that say nothing to an operator).
    /// </summary>
    private static bool IsBug(Exception e) => e is NullReferenceException or InvalidCastException or IndexOutOfRangeException
        or ArgumentException or NotImplementedException or KeyNotFoundException or DivideByZeroException;

    /// <summary>A fire that did not run (overlap: skip): one finished row with status <c>skipped</c>.</summary>
    public async Task<RunResult> RecordSkippedAsync(RunRequest request, string reason, CancellationToken cancellationToken)
    {
        var run = RunRecord.Start(request, clock.GetUtcNow(), worker.Value.NodeName, traceId: null);
        var result = new RunResult(run.RunId, RunStatus.Skipped, ExitCodes.Ok, null, null, reason);
        RunRecord.Finish(run, result, run.StartedAt, 0, context: null, request.Log ?? new RunLog(clock));
        await recorder.FinishAsync(run, cancellationToken);
        WorkerTelemetry.Runs.Add(1, new TagList { { "task", request.TaskId ?? "" }, { "job", request.Job.Name }, { "status", RunStatus.Skipped }, { "dry_run", request.DryRun } });
        return result;
    }

    private async Task<IJobSummary> FanOutAsync(RunRequest request, JobContext context)
    {
        var tenants = await services.GetRequiredService<TenantDirectory>().ActiveTenantsAsync(context.CancellationToken);
        var outcomes = new List<TenantOutcome>();
        foreach (var tenant in tenants)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var started = clock.GetUtcNow();
            var options = request.Options.CloneFor(tenant);
            TenantOutcome outcome;
            try
            {
                var summary = await request.Job.RunAsync(services, options, context.ForTenant(tenant));
                // The step tells the tenant's own verdict: a tenant that is not ok is a gate failure of that tenant.
                outcome = new TenantOutcome(tenant, summary.Ok, summary.Ok ? RunStatus.Succeeded : RunStatus.GateFailed, summary,
                    summary.Ok ? null : summary.NotOkReason);
            }
            catch (Exception e) when (e is not OperationCanceledException && !PostgresFailures.IsUnreachable(e))
            {
                // One tenant's failure does not stop the others; a database outage stops the run (failed, exit 75, retried)
                // instead of ending as a verdict over the tenants that happened to run before it.
                outcome = new TenantOutcome(tenant, false, RunStatus.Failed, null, JobErrors.Text(e));
            }
            outcomes.Add(outcome);
            context.Progress($"[{request.TaskId ?? request.Job.Name}] tenant {tenant}: {(outcome.Ok ? "ok" : outcome.Error ?? "not ok")}");
            await context.Steps.RecordAsync(new JobStep($"tenant:{tenant}", outcome.Status, started, clock.GetUtcNow(), outcome), context.CancellationToken);
        }
        var failed = outcomes.Where(o => o.Status == RunStatus.Failed).ToList();
        if (failed.Count > 0 && failed.Count == outcomes.Count)
        {
            throw new InvalidOperationException($"every tenant failed: {failed[0].TenantId}: {failed[0].Error}");
        }
        return new FanOutSummary(
            Ok: outcomes.All(o => o.Ok),
            Strict: request.Options is IStrictOptions { Strict: true },
            TenantCount: outcomes.Count,
            NotOkTenants: outcomes.Where(o => !o.Ok).Select(o => o.TenantId).ToList(),
            Tenants: outcomes);
    }
}
