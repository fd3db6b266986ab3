using System.Reflection;

namespace Aionis.Jobs.Framework;

/// <summary>A job type as the catalog knows it: name, options, permissions and a way to run it.</summary>
public sealed class JobDescriptor
{
    private readonly MethodInfo _run;

    internal JobDescriptor(Type jobType, JobAttribute attribute, Type optionsType, Type summaryType)
    {
        JobType = jobType;
        Attribute = attribute;
        OptionsType = optionsType;
        SummaryType = summaryType;
        var prototype = CreateOptions();
        Options = optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attr: p.GetCustomAttribute<OptionAttribute>()))
            .Where(x => x.Attr is not null)
            .Select(x => new OptionDescriptor(x.Property, x.Attr!, x.Property.GetValue(prototype)))
            .ToList();
        _run = typeof(IJob<,>).MakeGenericType(optionsType, summaryType).GetMethod(nameof(IJob<JobOptions, IJobSummary>.RunAsync))!;
    }

    public string Name => Attribute.Name;
    public string Description => Attribute.Description;
    public JobAttribute Attribute { get; }
    public Type JobType { get; }
    public Type OptionsType { get; }
    public Type SummaryType { get; }
    public IReadOnlyList<OptionDescriptor> Options { get; }
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

    public async Task<IJobSummary> RunAsync(object job, JobOptions options, JobContext context)
    {
        var task = (Task)_run.Invoke(job, [options, context])!;
        await task.ConfigureAwait(false);
        return (IJobSummary)task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task)!;
    }
}
