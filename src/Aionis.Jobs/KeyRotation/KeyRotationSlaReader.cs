using Aionis.Jobs.Framework;
using Npgsql;

namespace Aionis.Jobs.KeyRotation;

/// <summary>Reads stale keys, the warning window and rotation activity; shared by the SLA job and alert dispatch.</summary>
public sealed class KeyRotationSlaReader(NpgsqlDataSource dataSource)
{
    private const string KeyColumns = """
        id, tenant_id, project_id, label, key_prefix, created_at,
        ROUND(EXTRACT(EPOCH FROM $1::timestamptz - created_at) / 86400.0, 3)::float8 AS age_days
        """;

    public async Task<KeyRotationSlaReport> ReadAsync(KeyRotationThresholds thresholds, int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var maxAge = TimeSpan.FromDays(thresholds.MaxAgeDays);
            var warnAge = TimeSpan.FromDays(thresholds.WarnAgeDays);

            var stale = await ReadKeysAsync(connection, $"""
                SELECT {KeyColumns} FROM control_api_keys
                 WHERE status = 'active' AND created_at <= $1::timestamptz - $2
                 ORDER BY created_at ASC LIMIT $3
                """, [now, maxAge, limit], cancellationToken);
            var warning = await ReadKeysAsync(connection, $"""
                SELECT {KeyColumns} FROM control_api_keys
                 WHERE status = 'active' AND created_at <= $1::timestamptz - $2 AND created_at > $1::timestamptz - $3
                 ORDER BY created_at ASC LIMIT $4
                """, [now, warnAge, maxAge, limit], cancellationToken);
            var active = await ReadActiveByTenantAsync(connection, cancellationToken);
            var rotations = await ReadRotationsAsync(connection, now - TimeSpan.FromDays(thresholds.RotationWindowDays), cancellationToken);

            var rotationCounts = rotations.ToDictionary(r => r.TenantId, r => r.RecentRotationCount, StringComparer.Ordinal);
            var withoutRotation = active
                .Select(a => new TenantWithoutRotation(a.TenantId, a.ActiveKeyCount, a.OldestActiveKeyAt, a.NewestActiveKeyAt,
                    rotationCounts.GetValueOrDefault(a.TenantId)))
                .Where(t => t.ActiveKeyCount > 0 && t.RecentRotationCount == 0)
                .ToList();

            return new KeyRotationSlaReport
            {
                Ok = true,
                CheckedAt = now,
                Thresholds = thresholds,
                Stale = new KeySample(stale.Count, stale),
                WarningWindow = new KeySample(warning.Count, warning),
                ActiveByTenant = active,
                RecentRotationsByTenant = rotations,
                TenantsWithoutRecentRotation = withoutRotation,
            };
        }
        catch (Exception e) when (PostgresFailures.IsUndefinedTable(e))
        {
            return new KeyRotationSlaReport { Ok = false, CheckedAt = now, Error = "control_plane_schema_missing" };
        }
    }

    private static async Task<List<KeyAgeRow>> ReadKeysAsync(NpgsqlConnection connection, string sql, object[] args, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<KeyAgeRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new KeyAgeRow(
                reader.GetGuid(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetDouble(6)));
        }
        return rows;
    }

    private static async Task<List<ActiveKeysByTenant>> ReadActiveByTenantAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT tenant_id, COUNT(*), MIN(created_at), MAX(created_at)
              FROM control_api_keys WHERE status = 'active'
             GROUP BY tenant_id ORDER BY tenant_id
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ActiveKeysByTenant>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ActiveKeysByTenant(reader.GetString(0), reader.GetInt64(1),
                reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return rows;
    }

    private static async Task<List<RecentRotationsByTenant>> ReadRotationsAsync(NpgsqlConnection connection, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT tenant_id, COUNT(*) FROM control_audit_events
             WHERE action = 'api_key.rotate' AND created_at >= $1 AND tenant_id IS NOT NULL
             GROUP BY tenant_id ORDER BY tenant_id
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<RecentRotationsByTenant>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new RecentRotationsByTenant(reader.GetString(0), reader.GetInt64(1)));
        }
        return rows;
    }
}
