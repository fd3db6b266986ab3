using Aionis.Data;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Hosting;
using Aionis.Worker.Monitoring;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Worker.Cli;

/// <summary>
/// Everything <c>serve</c> runs, as a list of modules: the shared services (<see cref="WorkerServices.AddWorker"/>: the
/// runner's module and every area's <c>IServiceModule</c> in Aionis.Jobs, with their own hosted services, observers and
/// validators), then the worker's own areas. Hosted services start in the order of the list and stop in reverse. It
/// lives with the commands, the composition root, so that Hosting, Scheduling and Monitoring need not know each other.
/// </summary>
public static class ServeServices
{
    /// <param name="configuration">The host's configuration (chained onto <paramref name="root"/>).</param>
    /// <param name="root">The checked configuration root itself: chained, an empty value (Worker:Http:Urls=) reads as unset.</param>
    /// <param name="registryPath">The task registry file serve follows.</param>
    public static IServiceCollection AddServe(this IServiceCollection services, IConfiguration configuration, IConfigurationRoot root, string registryPath)
    {
        var worker = WorkerOptions.From(root);
        var database = new DatabaseSettings(DatabaseConnection.Resolve(root));
        database.Require();

        services.AddWorker(configuration);
        return services.AddModules(configuration,
            new SchedulingModule(database, worker, worker.NodeName, observers: true),
            new MonitoringModule(root),
            new HostingModule(worker, registryPath),
            new NodeControlModule(),
            new DrainModule(worker));
    }
}
