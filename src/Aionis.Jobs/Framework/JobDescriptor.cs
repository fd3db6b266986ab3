using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Jobs.Framework;

/// <summary>A job type as the catalog knows it: name, options, permissions and a way to run it.</summary>
public sealed class JobDescriptor
{
    private readonly Lazy<IReadOnlyList<OptionDescriptor>> _options;

    // Built on first use, once per job type: a cached delegate calls the typed RunAsync directly (no MethodInfo.Invoke,
    // so a job's exception arrives as itself, not wrapped in TargetInvocationException) and only the job that runs pays.
    private readonly Lazy<Func<object, JobOptions, JobContext, Task<IJobSummary>>> _run;

    internal JobDescriptor(Type jobType, JobAttribute attribute, Type optionsType, Type summaryType)
    {
        JobType = jobType;
        Attribute = attribute;
        OptionsType = optionsType;
        SummaryType = summaryType;
        // Read on first use: `aionis job NAME` reflects over the options of that one job only, not of the whole catalog.
        _options = new(() =>
        {
            var prototype = CreateOptions();
            return optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => (Property: p, Attr: p.GetCustomAttribute<OptionAttribute>()))
                .Where(x => x.Attr is not null)
                .Select(x => new OptionDescriptor(x.Property, x.Attr!, x.Property.GetValue(prototype)))
                .ToList();
        });
        _run = new(() => typeof(JobDescriptor).GetMethod(nameof(Invoke), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(optionsType, summaryType)
            .CreateDelegate<Func<object, JobOptions, JobContext, Task<IJobSummary>>>());
    }

    public string Name => Attribute.Name;
    public string Description => Attribute.Description;
    public JobAttribute Attribute { get; }
    public Type JobType { get; }
    public Type OptionsType { get; }
    public Type SummaryType { get; }
    public IReadOnlyList<OptionDescriptor> Options => _options.Value;
    public bool PerTenant => Attribute.PerTenant;
    public bool NeedsDatabase => Attribute.NeedsDatabase;

    /// <summary>Whether <c>aionis backfill</c> can run the job with a past fire time as its clock.</summary>
    public bool Backfillable => Attribute.Time == TimeDependence.AsOfClock;

    public JobOptions CreateOptions() => (JobOptions)Activator.CreateInstance(OptionsType)!;

    public OptionDescriptor? FindOption(string name) => Options.FirstOrDefault(o => o.Matches(name));

    /// <summary>Every permission a run with these options needs: the fixed ones plus the options' conditional ones.</summary>
    public IReadOnlyList<string> RequiredPermissions(JobOptions options) =>
        Attribute.Permissions.Concat(options.ConditionalPermissions()).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Every permission this job type can ever need (for `aionis jobs`).</summary>
    public IReadOnlyList<string> AllPermissions() => Attribute.Permissions;

    /// <summary>
    /// The one way a job is invoked (the runner, a fan-out step, a nested run): created from DI, run with the context,
    /// disposed.
    /// </summary>
    public async Task<IJobSummary> RunAsync(IServiceProvider services, JobOptions options, JobContext context)
    {
        var instance = ActivatorUtilities.CreateInstance(services, JobType);
        try
        {
            return await _run.Value(instance, options, context).ConfigureAwait(false);
        }
        finally
        {
            (instance as IDisposable)?.Dispose();
        }
    }

    private static async Task<IJobSummary> Invoke<TOptions, TSummary>(object job, JobOptions options, JobContext context)
        where TOptions : JobOptions where TSummary : IJobSummary =>
        await ((IJob<TOptions, TSummary>)job).RunAsync((TOptions)options, context).ConfigureAwait(false);
}
