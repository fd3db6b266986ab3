using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Jobs.Framework;

/// <summary>How a job run inside another job ended: the exit code the CLI would have given, and its summary or error.</summary>
public sealed record NestedJobResult(string Job, int ExitCode, IJobSummary? Summary, string? Error);

/// <summary>
/// Runs a job type by name inside another job's run (a bundle step) the way <c>aionis job</c> would: binds the options
/// (configuration defaults included), creates the job from DI, runs it with the caller's context, writes its <c>--out</c>
/// file and maps the outcome to an exit code (a lost database connection is thrown, not mapped). A job type that is not in the catalog gives null: the caller records
/// it as not available, it is never faked.
/// </summary>
public sealed class NestedJobRunner(JobCatalog catalog, IServiceProvider services, IConfiguration configuration)
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int GateFailed = 2;
    public const int Usage = 64;

    public bool IsAvailable(string job) => catalog.TryGet(job, out _);

    public async Task<NestedJobResult?> RunAsync(string job, IReadOnlyDictionary<string, object?> options, JobContext context)
    {
        if (!catalog.TryGet(job, out var descriptor))
        {
            return null;
        }

        JobOptions bound;
        try
        {
            bound = OptionBinder.Bind(descriptor, options, key => configuration[key]);
        }
        catch (OptionBindingException e)
        {
            return new NestedJobResult(job, Usage, null, e.Message);
        }

        var instance = ActivatorUtilities.CreateInstance(services, descriptor.JobType);
        try
        {
            var summary = await descriptor.RunAsync(instance, bound, context);
            if (bound is ISummaryFileOptions { Out: { Length: > 0 } outPath })
            {
                await JobJson.WriteFileAsync(context.ResolveOutputPath(outPath), summary, context.CancellationToken);
            }
            var gateFailed = bound is IStrictOptions { Strict: true } && !summary.Ok;
            return new NestedJobResult(job, gateFailed ? GateFailed : Ok, summary, null);
        }
        // A database outage is not the nested job's result: it ends the whole run (failed, exit 75, retried).
        catch (Exception e) when (e is not OperationCanceledException && !DatabaseFailures.IsUnreachable(e))
        {
            return new NestedJobResult(job, Error, null, JobErrors.Text(e));
        }
        finally
        {
            (instance as IDisposable)?.Dispose();
        }
    }
}
