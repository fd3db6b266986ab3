namespace Aionis.Jobs.Framework;

/// <summary>
/// One unit of operational automation: typed options in, a typed summary out.
/// A job knows nothing of Quartz or the command line; it is resolved from DI and run with a <see cref="JobContext"/>.
/// </summary>
public interface IJob<in TOptions, TSummary>
    where TOptions : JobOptions
    where TSummary : IJobSummary
{
    Task<TSummary> RunAsync(TOptions options, JobContext context);
}

/// <summary>The job's own verdict; with <c>--strict</c> a summary that is not ok exits 2 (the gate code).</summary>
public interface IJobSummary
{
    bool Ok { get; }

    /// <summary>
    /// Why the verdict is not ok, in one line (stored as the run's <c>error</c> when the gate fails, shown by
    /// <c>worker.recent_failures</c>). Implemented explicitly, so it is not a field of the printed summary.
    /// </summary>
    string? NotOkReason => null;
}
