using System.Text.Json;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

/// <summary>A step lost the database: the bundle stops unsealed (no index, signatures or publish) and the run fails.</summary>
public sealed class BundleNotSealedException(string step, Exception cause)
    : Exception($"step {step} could not reach the database ({cause.Message}): the bundle is not sealed as evidence", cause);

/// <summary>How a step ended: ok or not, and the reference's note (<c>exit_code=0</c>, <c>skipped</c>, …).</summary>
public sealed record StepOutcome(bool Ok, string Note);

/// <summary>
/// The bundle's steps in order. Each gets its log file in the bundle, an entry in <c>summary.json</c>, a row in
/// <c>worker.job_run_steps</c> and a progress line. Nested jobs run in-process through <see cref="NestedJobRunner"/>.
/// </summary>
public sealed class BundleSteps(string bundleDir, JobContext context, NestedJobRunner jobs)
{
    public const string NotAvailable = "not_available";
    public const string Skipped = "skipped";

    private readonly List<BundleStepEntry> _entries = [];

    public IReadOnlyList<BundleStepEntry> Entries => _entries;

    public IReadOnlyList<string> FailReasons => _entries.Where(e => !e.Ok).Select(e => e.Name).ToList();

    /// <summary>A step that does not run: ok, no log file written.</summary>
    public Task SkipAsync(string name, string logFile, string note = Skipped) =>
        RecordAsync(name, logFile, context.Now, new StepOutcome(true, note), "skipped");

    /// <summary>
    /// Runs a step with its log open; an exception fails the step (its message is the note), it does not end the bundle.
    /// A lost database connection does: what the step could not read is no verdict, so the bundle is never sealed as
    /// evidence and the run fails (<see cref="BundleNotSealedException"/>, which keeps the connection error as its cause).
    /// </summary>
    public async Task RunAsync(string name, string logFile, Func<StepLog, Task<StepOutcome>> body)
    {
        var started = context.Now;
        StepOutcome outcome;
        Exception? lost = null;
        await using (var log = StepLog.Open(Path.Combine(bundleDir, logFile)))
        {
            try
            {
                outcome = await body(log);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.WriteLine(JsonSerializer.Serialize(new { ok = false, error = e.Message }));
                lost = PostgresFailures.IsUnreachable(e) ? e : null;
                outcome = new StepOutcome(false, lost is null ? $"error={e.Message}" : $"database_unreachable,error={e.Message}");
            }
        }
        if (lost is not null)
        {
            throw new BundleNotSealedException(name, lost);
        }
        await RecordAsync(name, logFile, started, outcome, outcome.Ok ? "succeeded" : "failed");
    }

    /// <summary>
    /// Runs a job as a step: its summary (what it would print) and exit code go to the log, ok iff exit code 0.
    /// A job that is not in the catalog is recorded as skipped with note <c>not_available</c> and gives null.
    /// </summary>
    /// <param name="options">Sets the values the step passes to the job.</param>
    /// <param name="noteWhenOk">Reads a successful run's summary (e.g. a publish's URI) and gives the step's note.</param>
    public async Task<NestedJobResult<TSummary>?> RunJobAsync<TOptions, TSummary>(string name, string logFile, Action<TOptions> options,
        bool dryRun, Func<TSummary, Task<string>>? noteWhenOk = null)
        where TOptions : JobOptions where TSummary : class, IJobSummary
    {
        if (!jobs.IsAvailable<TOptions, TSummary>())
        {
            await SkipAsync(name, logFile, NotAvailable);
            return null;
        }
        NestedJobResult<TSummary>? result = null;
        await RunAsync(name, logFile, async log =>
        {
            result = (await jobs.RunAsync<TOptions, TSummary>(options, Nested(dryRun, log)))!;
            if (result.Summary is not null) log.WriteLine(JobJson.Serialize(result.Summary));
            if (result.Error is not null) log.WriteLine(JsonSerializer.Serialize(new { ok = false, error = result.Error }));
            log.WriteLine($"exit_code={result.ExitCode}");
            var ok = result.ExitCode == ExitCodes.Ok;
            return new StepOutcome(ok, ok && noteWhenOk is not null ? await noteWhenOk(result.Summary!) : $"exit_code={result.ExitCode}");
        });
        return result;
    }

    /// <summary>
    /// The bundle's context for a nested job: same run, clock and plan; its progress goes to the step's log, and its own
    /// steps and artifacts are not the bundle's (the bundle records each nested job as one step).
    /// </summary>
    private JobContext Nested(bool dryRun, StepLog log) =>
        context with { DryRun = dryRun, Steps = StepRecorder.None, Artifacts = new(), Progress = log.WriteLine };

    private async Task RecordAsync(string name, string logFile, DateTimeOffset started, StepOutcome outcome, string status)
    {
        var path = Path.Combine(bundleDir, logFile);
        _entries.Add(new BundleStepEntry(name, outcome.Ok, path, outcome.Note));
        context.Progress($"[incident-bundle-hosted] {name}: {outcome.Note}");
        await context.Steps.RecordAsync(new JobStep(name, status, started, context.Now, new { ok = outcome.Ok, log_file = path, note = outcome.Note }),
            context.CancellationToken);
    }
}
