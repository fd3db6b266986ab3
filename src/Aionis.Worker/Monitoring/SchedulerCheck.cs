using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace Aionis.Worker.Monitoring;

/// <summary><c>/readyz</c>: the Quartz scheduler is started and firing (not on standby, not shut down).</summary>
public sealed class SchedulerCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        return scheduler.Status == SchedulerStatus.Running
            ? HealthCheckResult.Healthy("running")
            : HealthCheckResult.Unhealthy($"scheduler is {scheduler.Status}");
    }
}
