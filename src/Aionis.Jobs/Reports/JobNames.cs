using System.Reflection;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports;

/// <summary>The history name of a job type, taken from its <see cref="JobAttribute"/>, so a report names the job by its type.</summary>
public static class JobNames
{
    public static string Of<TJob>() => typeof(TJob).GetCustomAttribute<JobAttribute>()?.Name
        ?? throw new InvalidOperationException($"{typeof(TJob).Name} has no [Job] attribute");
}
