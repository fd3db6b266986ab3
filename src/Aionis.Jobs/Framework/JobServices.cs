using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aionis.Jobs.Framework;

public static class JobServices
{
    /// <summary>The job catalog, nested runs, and every area's <see cref="IServiceModule"/>.</summary>
    public static IServiceCollection AddAionisJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(JobCatalog.Default);
        services.AddSingleton<NestedJobRunner>();
        services.AddSingleton<IValidateOptions<JobOptionDefaults>, JobOptionDefaultsValidator>();
        services.AddOptions<JobOptionDefaults>().ValidateOnStart();
        var modules = typeof(JobServices).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IServiceModule).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IServiceModule)Activator.CreateInstance(t)!);
        return services.AddModules(configuration, modules);
    }
}
