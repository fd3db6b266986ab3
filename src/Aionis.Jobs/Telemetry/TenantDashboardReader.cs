using Aionis.Jobs.Framework;
using Npgsql;

namespace Aionis.Jobs.Telemetry;

/// <summary>
/// The tenant dashboard block of the timeseries export. Data-plane rows belong to a tenant by scope:
/// the default tenant owns the scopes without a <c>tenant:</c> prefix, any other tenant owns <c>tenant:&lt;id&gt;::scope:…</c>
/// (matched as a prefix, so <c>_</c> and <c>%</c> in tenant ids are not wildcards).
/// </summary>
public sealed class TenantDashboardReader(NpgsqlDataSource dataSource)
{
    private const string OwnedScope = "(CASE WHEN $1 = $2 THEN scope NOT LIKE 'tenant:%' ELSE starts_with(scope, 'tenant:' || $1 || '::scope:') END)";

    private const string CountsSql = $"""
        SELECT
          (SELECT count(*) FROM control_api_keys WHERE tenant_id = $1 AND status = 'active'),
          (SELECT count(*) FROM control_api_keys WHERE tenant_id = $1 AND status = 'revoked'),
          (SELECT count(*) FROM memory_nodes WHERE {OwnedScope}),
          (SELECT count(*) FROM memory_edges WHERE {OwnedScope}),
          (SELECT count(*) FROM memory_rule_defs WHERE {OwnedScope} AND state = 'active'),
          (SELECT count(*) FROM memory_recall_audit WHERE {OwnedScope} AND created_at >= $3),
          (SELECT count(*) FROM memory_commits WHERE {OwnedScope} AND created_at >= $3),
          (SELECT count(*) FROM memory_outbox WHERE {OwnedScope} AND published_at IS NULL),
          (SELECT count(*) FROM memory_outbox WHERE {OwnedScope} AND published_at IS NULL AND attempts > 0),
          (SELECT count(*) FROM memory_outbox WHERE {OwnedScope} AND failed_at IS NOT NULL)
        """;

    /// <returns>A <see cref="TenantDashboard"/>, or a <see cref="DegradedTenantDashboard"/> when tables are missing.</returns>
    public async Task<object> ReadAsync(string tenantId, string defaultTenantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var tenant = await ReadTenantAsync(connection, tenantId, cancellationToken);
            var quota = await ReadQuotaAsync(connection, tenantId, cancellationToken);

            await using var command = new NpgsqlCommand(CountsSql, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
            command.Parameters.Add(new NpgsqlParameter { Value = defaultTenantId });
            command.Parameters.Add(new NpgsqlParameter { Value = now - TimeSpan.FromHours(24) });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new TenantDashboard(
                tenantId, now, defaultTenantId, tenant,
                new ApiKeyCounts(reader.GetInt64(0), reader.GetInt64(1)),
                quota,
                new DataPlaneCounts(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6)),
                new OutboxCounts(reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9)));
        }
        catch (Exception e) when (PostgresFailures.IsUndefinedTable(e))
        {
            return new DegradedTenantDashboard(tenantId, now, defaultTenantId, DegradedTenantDashboard.SchemaNotReady);
        }
    }

    private static async Task<TenantRecord?> ReadTenantAsync(NpgsqlConnection connection, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT status, created_at, updated_at FROM control_tenants WHERE tenant_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new TenantRecord(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2))
            : null;
    }

    /// <summary>The quota row as the reference returns it (<c>SELECT *</c>): every column, timestamps as UTC.</summary>
    private static async Task<IReadOnlyDictionary<string, object?>?> ReadQuotaAsync(NpgsqlConnection connection, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT * FROM control_tenant_quotas WHERE tenant_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            row[reader.GetName(i)] = reader.IsDBNull(i) ? null
                : reader.GetFieldType(i) == typeof(DateTime) ? reader.GetFieldValue<DateTimeOffset>(i)
                : reader.GetValue(i);
        }
        return row;
    }
}
