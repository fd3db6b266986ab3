using System.Text.Json;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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
public sealed class CatalogJobReader(JobCatalog catalog, IServiceProvider services, IConfiguration configuration)
{
    public async Task<CatalogJobResult> RunAsync(string jobName, IReadOnlyDictionary<string, object?> options, JobContext parent)
    {
        if (!catalog.TryGet(jobName, out var job))
        {
            return new CatalogJobResult(null, CatalogJobResult.JobNotAvailable, $"{jobName} is not in the job catalog");
        }
        JobOptions bound;
        try
        {
            bound = OptionBinder.Bind(job, options, key => configuration[key]);
        }
        catch (OptionBindingException e)
        {
            return new CatalogJobResult(null, CatalogJobResult.OptionsRejected, $"{jobName}: {e.Message}");
        }
        var nested = new JobContext
        {
            RunId = parent.RunId,
            TaskId = parent.TaskId,
            TenantId = parent.TenantId,
            DryRun = true,
            Clock = parent.Clock,
            ArtifactsRoot = parent.ArtifactsRoot,
            CancellationToken = parent.CancellationToken,
            Progress = parent.Progress,
        };
        var instance = ActivatorUtilities.CreateInstance(services, job.JobType);
        try
        {
            var summary = await job.RunAsync(instance, bound, nested);
            using var document = JsonDocument.Parse(JobJson.Serialize(summary));
            return new CatalogJobResult(document.RootElement.Clone(), null, null);
        }
        finally
        {
            (instance as IDisposable)?.Dispose();
        }
    }
}
