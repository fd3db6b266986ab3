using Aionis.Worker.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aionis.Worker.Monitoring;

/// <summary><c>/readyz</c>: a registry file has been accepted and synced into the persisted schedule.</summary>
public sealed class RegistryCheck(RegistryFile registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(registry.LastGood is { } synced
            ? HealthCheckResult.Healthy($"synced: {synced.Tasks.Count} task(s) from {synced.Path}")
            : HealthCheckResult.Unhealthy($"no accepted sync of {registry.Path} yet"));
}
