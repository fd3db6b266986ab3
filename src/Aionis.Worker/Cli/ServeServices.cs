using Aionis.Data;
using Aionis.Worker.Configuration;
using Aionis.Worker.Hosting;
using Aionis.Worker.Monitoring;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Quartz;

namespace Aionis.Worker.Cli;

/// <summary>
/// Everything <c>serve</c> runs, in one place: the shared services (<see cref="WorkerServices.AddWorker"/>, which applies
/// every area's <c>IServiceModule</c> with its own hosted services, observers and validators), systemd, telemetry, the
/// scheduler with its run observers, monitoring, and the daemon's own hosted services in their start order. It lives
/// with the commands, the composition root, so that Hosting, Scheduling and Monitoring need not know each other.
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
        services.AddSystemd();
        services.AddWorkerTelemetry(configuration, worker.NodeName);
        // The host's own deadline: the drain's grace, the cancelled jobs' unwinding, and Quartz's shutdown after it.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = worker.ShutdownGrace + ShutdownDrain.UnwindTime + TimeSpan.FromSeconds(5));
        services.AddSingleton(new RegistryFile(registryPath));
        services.AddSingleton<RegistrySyncService>();
        services.AddScheduling(database, worker, worker.NodeName);
        services.AddRunObservers();
        services.AddSingleton<WorkerHealth>();
        services.AddMonitoring(root);
        // Hosted services start in this order and stop in reverse: startup (database, registry) before the scheduler,
        // so READY=1 (sent when the host has started) means synced and firing; the drain stops first on SIGTERM.
        services.AddHostedService<WorkerStartup>();
        services.AddHostedService<CleanStop>();
        services.AddQuartzHostedService(quartz =>
        {
            quartz.AwaitApplicationStarted = false;
            quartz.WaitForJobsToComplete = true;
        });
        services.AddHostedService<RegistryReloader>();
        services.AddHostedService<WorkerMaintenance>();
        services.AddNodeControl();
        if (SystemdHelpers.IsSystemdService())
        {
            services.AddHostedService<SystemdWatchdog>();
        }
        if (worker.DemoKickoff)
        {
            services.AddHostedService<DemoKickoff>();
        }
        services.AddHostedService<ShutdownDrain>();
        return services;
    }
}
