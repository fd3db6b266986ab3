using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Alerts;

/// <summary>The typed summary of a nested read-only run, or why there is none.</summary>
public sealed record CatalogJobResult<TSummary>(TSummary? Summary, string? Reason, string? Detail) where TSummary : class, IJobSummary;

/// <summary>Why a detection run gave no summary.</summary>
public static class CatalogJobReasons
{
    public const string JobNotAvailable = "job_not_available";
    public const string OptionsRejected = "job_options_rejected";
}

/// <summary>
/// Runs another job of the catalog by its types as a nested dry run (detection only reads) and returns its summary, so
/// alert dispatch reuses each job's own detection code. A job that is not in the catalog is reported, never faked.
/// </summary>
public sealed class CatalogJobReader(NestedJobRunner runner)
{
    public async Task<CatalogJobResult<TSummary>> RunAsync<TOptions, TSummary>(Action<TOptions> options, JobContext parent)
        where TOptions : JobOptions where TSummary : class, IJobSummary
    {
        // A context of its own: the detection run's reads are not actions or steps of the dispatch run.
        var nested = parent with { DryRun = true, Actions = new(), Steps = StepRecorder.None, Artifacts = new() };
        var result = await runner.RunAsync<TOptions, TSummary>(options, nested);
        return result switch
        {
            null => new CatalogJobResult<TSummary>(null, CatalogJobReasons.JobNotAvailable, $"{typeof(TOptions).Name} has no job in the catalog"),
            { ExitCode: ExitCodes.Usage } => new CatalogJobResult<TSummary>(null, CatalogJobReasons.OptionsRejected, $"{result.Job}: {result.Error}"),
            { Summary: null } => throw new InvalidOperationException($"{result.Job}: {result.Error}"),
            _ => new CatalogJobResult<TSummary>(result.Summary, null, null),
        };
    }
}
