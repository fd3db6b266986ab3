namespace Aionis.Jobs.Framework;

/// <summary>
/// A job's summary with what every invocation does with it, the same for an <c>aionis job</c> run, a scheduled run and a
/// nested one: its <c>--out</c> file written, and with <c>--strict</c> a verdict that is not ok is the gate code.
/// </summary>
public sealed record JobCompletion(IJobSummary Summary, string? SummaryPath, bool GateFailed)
{
    public int ExitCode => GateFailed ? ExitCodes.GateFailed : ExitCodes.Ok;

    /// <summary>
    /// Runs <paramref name="run"/> and writes its summary to the options' <c>--out</c>. The path is resolved before the run:
    /// a path outside the artifacts root is refused before the job does anything.
    /// </summary>
    public static async Task<JobCompletion> RunAsync(JobOptions options, JobContext context, Func<Task<IJobSummary>> run)
    {
        var summaryPath = options is ISummaryFileOptions { Out: { Length: > 0 } outPath } ? context.ResolveOutputPath(outPath) : null;
        var summary = await run().ConfigureAwait(false);
        if (summaryPath is not null)
        {
            await JobJson.WriteFileAsync(summaryPath, summary, CancellationToken.None).ConfigureAwait(false);
        }
        return new JobCompletion(summary, summaryPath, options is IStrictOptions { Strict: true } && !summary.Ok);
    }
}
