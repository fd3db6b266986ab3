using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Aionis.Worker.Hosting;

/// <summary>
/// serve's daemon: systemd, telemetry, the host's shutdown deadline, the registry file it follows, and its hosted services
/// up to the scheduler's upkeep — startup (database, schema, abandoned runs, spool, registry) before the scheduler, so
/// READY=1 (sent when the host has started) means synced and firing; then the SIGHUP reloader and the maintenance loop.
/// </summary>
/// <param name="registryPath">The task registry file serve follows.</param>
public sealed class HostingModule(WorkerOptions worker, string registryPath) : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSystemd();
        services.AddWorkerTelemetry(configuration, worker.NodeName);
        // The host's own deadline: the drain's grace, the cancelled jobs' unwinding, and Quartz's shutdown after it.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = worker.ShutdownGrace + ShutdownDrain.UnwindTime + TimeSpan.FromSeconds(5));
        services.AddSingleton(new RegistryFile(registryPath));
        services.AddSingleton<RegistrySyncService>();
        services.AddSingleton<WorkerHealth>();
        services.AddHostedService<WorkerStartup>();
        services.AddHostedService<CleanStop>();
        services.AddQuartzHostedService(quartz =>
        {
            quartz.AwaitApplicationStarted = false;
            quartz.WaitForJobsToComplete = true;
        });
        services.AddHostedService<RegistryReloader>();
        services.AddHostedService<WorkerMaintenance>();
    }
}
