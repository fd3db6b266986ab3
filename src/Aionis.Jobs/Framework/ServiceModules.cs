using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Jobs.Framework;

public static class ServiceModules
{
    /// <summary>
    /// Applies <paramref name="modules"/> in order. Hosted services start in the order they are registered (and stop in
    /// reverse), so the order of a list of modules is the start order of their hosted services.
    /// </summary>
    public static IServiceCollection AddModules(this IServiceCollection services, IConfiguration configuration, params IEnumerable<IServiceModule> modules)
    {
        foreach (var module in modules)
        {
            module.Register(services, configuration);
        }
        return services;
    }
}
