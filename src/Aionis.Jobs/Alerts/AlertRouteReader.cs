using System.Text.Json;
using Npgsql;

namespace Aionis.Jobs.Alerts;

/// <summary>Reads a tenant's active routes from <c>control_alert_routes</c>.</summary>
public sealed class AlertRouteReader(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, tenant_id, channel, label, target, secret, headers::text, COALESCE(metadata->'policy', metadata->'alert_policy')::text";

    /// <summary>Active routes that take this event (or every event, <c>"*"</c>), oldest first.</summary>
    public Task<List<AlertRoute>> ForEventAsync(string tenantId, string eventType, int limit, CancellationToken cancellationToken) =>
        ReadAsync($"""
            SELECT {Columns} FROM control_alert_routes
             WHERE tenant_id = $1 AND status = 'active' AND (events ? $2 OR events ? '*')
             ORDER BY created_at ASC LIMIT $3
            """, [tenantId, eventType, limit], cancellationToken);

    /// <summary>Every active route of a tenant, oldest first (game-day test alerts).</summary>
    public Task<List<AlertRoute>> ActiveAsync(string tenantId, int limit, CancellationToken cancellationToken) =>
        ReadAsync($"""
            SELECT {Columns} FROM control_alert_routes
             WHERE tenant_id = $1 AND status = 'active'
             ORDER BY created_at ASC LIMIT $2
            """, [tenantId, limit], cancellationToken);

    private async Task<List<AlertRoute>> ReadAsync(string sql, object[] args, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var routes = new List<AlertRoute>();
        while (await reader.ReadAsync(cancellationToken))
        {
            routes.Add(new AlertRoute(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                Headers(reader.GetString(6)),
                reader.IsDBNull(7) ? null : JsonDocument.Parse(reader.GetString(7)).RootElement));
        }
        return routes;
    }

    /// <summary>The route's header map; non-string values are sent as their JSON text.</summary>
    private static Dictionary<string, string> Headers(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind != JsonValueKind.Object
            ? []
            : document.RootElement.EnumerateObject().ToDictionary(
                p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
    }
}
