using Aionis.Jobs.Framework;
using Aionis.Worker.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aionis.Worker.Monitoring;

/// <summary><c>/readyz</c>: this node's Quartz cluster check-in is fresh, so the cluster counts it as alive.</summary>
public sealed class ClusterCheckinCheck(WorkerHealth health, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        DateTimeOffset? checkin;
        try
        {
            checkin = await health.LastCheckinAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnreachable(e))
        {
            return HealthCheckResult.Unhealthy("unknown: database unreachable");
        }
        var age = clock.GetUtcNow() - checkin;
        return age is { } fresh && fresh <= health.StaleCheckin
            ? HealthCheckResult.Healthy($"checked in {fresh.TotalSeconds:0.0}s ago")
            : HealthCheckResult.Unhealthy(checkin is null ? "no check-in yet" : $"last check-in {age!.Value.TotalSeconds:0}s ago, allowed {health.StaleCheckin.TotalSeconds:0}s");
    }
}
