using System.Data.Common;
using System.Text.Json.Nodes;
using Npgsql;

namespace Aionis.Jobs.Evidence;

/// <summary>The bundle's audit snapshot, read from the control-plane tables directly instead of the admin API.</summary>
public sealed class AuditSnapshotReader(NpgsqlDataSource dataSource)
{
    public const int EventLimit = 200;

    public async Task<AuditEventsSnapshot> ReadAuditEventsAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, event_id, actor, action, resource_type, resource_id, tenant_id, request_id, details::text, created_at
              FROM control_audit_events
             WHERE tenant_id = $1
             ORDER BY created_at DESC, id DESC
             LIMIT $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = EventLimit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<AuditEventRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new AuditEventRow(
                reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                TextOrNull(reader, 5), TextOrNull(reader, 6), TextOrNull(reader, 7), JsonNode.Parse(reader.GetString(8)),
                reader.GetFieldValue<DateTimeOffset>(9)));
        }
        return new AuditEventsSnapshot(true, tenantId, EventLimit, events.Count, events);
    }

    public async Task<DashboardSnapshot> ReadDashboardAsync(string tenantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var tenant = await ReadSingleAsync(connection, """
            SELECT tenant_id, display_name, status, metadata::text, created_at, updated_at
              FROM control_tenants WHERE tenant_id = $1
            """, tenantId, r => new TenantRow(r.GetString(0), TextOrNull(r, 1), r.GetString(2), JsonNode.Parse(r.GetString(3)),
                r.GetFieldValue<DateTimeOffset>(4), r.GetFieldValue<DateTimeOffset>(5)), cancellationToken);
        var keys = await ReadSingleAsync(connection, """
            SELECT count(*), count(*) FILTER (WHERE status = 'active'), count(*) FILTER (WHERE status = 'revoked')
              FROM control_api_keys WHERE tenant_id = $1
            """, tenantId, r => new ApiKeyCounts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)), cancellationToken);
        var quota = await ReadSingleAsync(connection, """
            SELECT recall_rps, recall_burst, write_rps, write_burst, write_max_wait_ms, debug_embed_rps, debug_embed_burst,
                   recall_text_embed_rps, recall_text_embed_burst, recall_text_embed_max_wait_ms, created_at, updated_at
              FROM control_tenant_quotas WHERE tenant_id = $1
            """, tenantId, r => new TenantQuotaRow(r.GetDouble(0), r.GetInt32(1), r.GetDouble(2), r.GetInt32(3), r.GetInt32(4),
                r.GetDouble(5), r.GetInt32(6), r.GetDouble(7), r.GetInt32(8), r.GetInt32(9),
                r.GetFieldValue<DateTimeOffset>(10), r.GetFieldValue<DateTimeOffset>(11)), cancellationToken);
        return new DashboardSnapshot(true, tenantId, now, tenant, keys!, quota);
    }

    private static async Task<T?> ReadSingleAsync<T>(NpgsqlConnection connection, string sql, string tenantId, Func<DbDataReader, T> map,
        CancellationToken cancellationToken) where T : class
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? map(reader) : null;
    }

    private static string? TextOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
