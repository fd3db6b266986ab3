using System.Text.Json;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Alerts;

/// <summary>The summary of a nested read-only run, or why there is none.</summary>
public sealed record CatalogJobResult(JsonElement? Summary, string? Reason, string? Detail)
{
    public const string JobNotAvailable = "job_not_available";
    public const string OptionsRejected = "job_options_rejected";
}

/// <summary>
/// Runs another job of the catalog by name as a nested dry run (detection only reads) and returns its summary as JSON,
/// so alert dispatch reuses each job's own detection code. A job that is not in the catalog is reported, never faked.
/// </summary>
public sealed class CatalogJobReader(NestedJobRunner runner)
{
    public async Task<CatalogJobResult> RunAsync(string jobName, IReadOnlyDictionary<string, object?> options, JobContext parent)
    {
        // A context of its own: the detection run's reads are not actions or steps of the dispatch run.
        var nested = parent with { DryRun = true, Actions = new(), Steps = StepRecorder.None, Artifacts = new() };
        var result = await runner.RunAsync(jobName, options, nested);
        switch (result)
        {
            case null:
                return new CatalogJobResult(null, CatalogJobResult.JobNotAvailable, $"{jobName} is not in the job catalog");
            case { ExitCode: NestedJobRunner.Usage }:
                return new CatalogJobResult(null, CatalogJobResult.OptionsRejected, $"{jobName}: {result.Error}");
            case { Summary: null }:
                throw new InvalidOperationException($"{jobName}: {result.Error}");
        }
        using var document = JsonDocument.Parse(JobJson.Serialize(result.Summary));
        return new CatalogJobResult(document.RootElement.Clone(), null, null);
    }
}
