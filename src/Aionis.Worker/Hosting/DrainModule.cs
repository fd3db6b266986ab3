using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Systemd;

namespace Aionis.Worker.Hosting;

/// <summary>
/// serve's last hosted services: the systemd watchdog (under systemd), the demo kick-off (when asked for), and the drain,
/// registered last so that on SIGTERM it stops first (before the scheduler and the node's check-in).
/// </summary>
public sealed class DrainModule(WorkerOptions worker) : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        if (SystemdHelpers.IsSystemdService())
        {
            services.AddHostedService<SystemdWatchdog>();
        }
        if (worker.DemoKickoff)
        {
            services.AddHostedService<DemoKickoff>();
        }
        services.AddHostedService<ShutdownDrain>();
    }
}
