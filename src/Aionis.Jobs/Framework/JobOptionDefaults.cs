using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Aionis.Jobs.Framework;

/// <summary>
/// The configuration values that job options take their defaults from (<see cref="OptionAttribute.DefaultFrom"/>:
/// <c>MEMORY_TENANT_ID</c>, <c>CONTROL_TELEMETRY_RETENTION_HOURS</c>, …). Jobs read them when they bind; this options class
/// exists so that the options pipeline checks them at start, not when the job first runs.
/// </summary>
public sealed class JobOptionDefaults;

/// <summary>Checks every configured default against the type and range of each option that takes it.</summary>
internal sealed class JobOptionDefaultsValidator(JobCatalog catalog, IConfiguration configuration) : IValidateOptions<JobOptionDefaults>
{
    public ValidateOptionsResult Validate(string? name, JobOptionDefaults options)
    {
        var problems = new List<string>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in catalog.All)
        {
            foreach (var option in job.Options)
            {
                if (option.Attribute.DefaultFrom is not { } key || configuration[key] is not { Length: > 0 } value) continue;
                if (OptionBinder.Problem(option, value) is { } problem && reported.Add(key))
                {
                    problems.Add($"{key} '{(option.IsSecret ? Secrets.Mask : value)}': {problem} (the default of {job.Name} --{option.Name})");
                }
            }
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
