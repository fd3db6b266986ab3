using Microsoft.Extensions.Configuration;

namespace Aionis.Jobs.Framework;

/// <summary>How a job run inside another job ended: the exit code the CLI would have given, and its typed summary or error.</summary>
public sealed record NestedJobResult<TSummary>(string Job, int ExitCode, TSummary? Summary, string? Error) where TSummary : class, IJobSummary;

/// <summary>
/// Runs a job inside another job's run (a bundle step, a detection) by its types, the way <c>aionis job</c> would: the
/// options start from their defaults (configuration defaults included), the caller sets the values it passes, they are
/// checked like bound ones (a bad value is exit 64), the job is created from DI and run with the caller's context, its
/// <c>--out</c> file is written and the outcome mapped to an exit code (a lost database connection is thrown, not
/// mapped). A job type that is not in the catalog gives null: the caller records it as not available, it is never faked.
/// </summary>
public sealed class NestedJobRunner(JobCatalog catalog, IServiceProvider services, IConfiguration configuration)
{
    public bool IsAvailable<TOptions, TSummary>() where TOptions : JobOptions where TSummary : class, IJobSummary =>
        catalog.Find(typeof(TOptions), typeof(TSummary)) is not null;

    /// <param name="options">Sets the values passed to the job on its options (the rest keep their defaults).</param>
    public async Task<NestedJobResult<TSummary>?> RunAsync<TOptions, TSummary>(Action<TOptions> options, JobContext context)
        where TOptions : JobOptions where TSummary : class, IJobSummary
    {
        if (catalog.Find(typeof(TOptions), typeof(TSummary)) is not { } descriptor)
        {
            return null;
        }

        var bound = (TOptions)OptionBinder.Defaults(descriptor, key => configuration[key]);
        options(bound);
        try
        {
            OptionBinder.Check(descriptor, bound);
        }
        catch (OptionBindingException e)
        {
            return new NestedJobResult<TSummary>(descriptor.Name, ExitCodes.Usage, null, e.Message);
        }

        try
        {
            var done = await JobCompletion.RunAsync(bound, context, () => descriptor.RunAsync(services, bound, context));
            return new NestedJobResult<TSummary>(descriptor.Name, done.ExitCode, (TSummary)done.Summary, null);
        }
        // A database outage is not the nested job's result: it ends the whole run (failed, exit 75, retried).
        catch (Exception e) when (e is not OperationCanceledException && !PostgresFailures.IsUnreachable(e))
        {
            return new NestedJobResult<TSummary>(descriptor.Name, ExitCodes.RuntimeError, null, JobErrors.Text(e));
        }
    }
}
