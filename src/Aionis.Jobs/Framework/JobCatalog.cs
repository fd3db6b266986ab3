using System.Reflection;

namespace Aionis.Jobs.Framework;

/// <summary>Every job type in an assembly, found by its <see cref="JobAttribute"/>.</summary>
public sealed class JobCatalog
{
    private readonly Dictionary<string, JobDescriptor> _jobs;

    public JobCatalog(IEnumerable<Assembly> assemblies)
    {
        _jobs = assemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsAbstract: false, IsClass: true } && t.GetCustomAttribute<JobAttribute>() is not null)
            .Select(Describe)
            .ToDictionary(d => d.Name, StringComparer.Ordinal);
    }

    /// <summary>The jobs of Aionis.Jobs.</summary>
    public static JobCatalog Default { get; } = new([typeof(JobCatalog).Assembly]);

    public IEnumerable<JobDescriptor> All => _jobs.Values.OrderBy(j => j.Name, StringComparer.Ordinal);

    public bool TryGet(string name, out JobDescriptor descriptor) => _jobs.TryGetValue(name, out descriptor!);

    /// <summary>The job with these options and summary types (a typed nested run), or null when it is not in the catalog.</summary>
    public JobDescriptor? Find(Type optionsType, Type summaryType) =>
        _jobs.Values.SingleOrDefault(d => d.OptionsType == optionsType && d.SummaryType == summaryType);

    public JobDescriptor Get(string name) => TryGet(name, out var d)
        ? d
        : throw new KeyNotFoundException($"unknown job type '{name}' (aionis jobs lists them)");

    private static JobDescriptor Describe(Type jobType)
    {
        var attribute = jobType.GetCustomAttribute<JobAttribute>()!;
        var contract = jobType.GetInterfaces().SingleOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IJob<,>))
            ?? throw new InvalidOperationException($"{jobType.Name} has [Job] but does not implement IJob<TOptions, TSummary>");
        var args = contract.GetGenericArguments();
        return new JobDescriptor(jobType, attribute, args[0], args[1]);
    }
}
