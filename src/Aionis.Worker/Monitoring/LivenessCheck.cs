using Aionis.Worker.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Aionis.Worker.Monitoring;

/// <summary>
/// <c>/healthz</c>: alive while starting (waiting for the database is not a fault), and afterwards what the systemd
/// watchdog is told (<see cref="WorkerHealth"/>: scheduler running, check-in fresh whenever the database answers).
/// </summary>
public sealed class LivenessCheck(IHostApplicationLifetime lifetime, WorkerHealth health) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return HealthCheckResult.Healthy("starting");
        }
        var report = await health.CheckAsync(cancellationToken);
        return report.Alive ? HealthCheckResult.Healthy(report.Status) : HealthCheckResult.Unhealthy(report.Status);
    }
}
