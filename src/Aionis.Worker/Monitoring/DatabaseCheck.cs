using Aionis.Jobs.Framework;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Aionis.Worker.Monitoring;

/// <summary><c>/readyz</c>: the worker's database answers a query.</summary>
public sealed class DatabaseCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("reachable");
        }
        catch (Exception e) when (PostgresFailures.IsUnreachable(e) || e is NpgsqlException)
        {
            // The message names host and port at most; never the connection string.
            return HealthCheckResult.Unhealthy($"unreachable: {e.Message}");
        }
    }
}
