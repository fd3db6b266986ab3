using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Aionis.Jobs.Alerts;

/// <summary>A row for <c>control_alert_deliveries</c>; <see cref="Metadata"/> carries the reference's policy fields.</summary>
public sealed record AlertDeliveryRecord(
    Guid RouteId,
    string TenantId,
    string EventType,
    string Status,
    int? ResponseCode,
    string? ResponseBody,
    string? Error,
    JsonObject Metadata);

/// <summary>Writes delivery rows and answers the dedupe question.</summary>
public sealed class AlertDeliveryStore(NpgsqlDataSource dataSource)
{
    /// <summary>When this route last <c>sent</c> an alert with this dedupe key since <paramref name="since"/>; null when it did not.</summary>
    public async Task<DateTimeOffset?> LastSentAsync(Guid routeId, string dedupeKey, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT created_at FROM control_alert_deliveries
             WHERE route_id = $1 AND status = 'sent' AND metadata->>'dedupe_key' = $2 AND created_at >= $3
             ORDER BY created_at DESC LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = routeId });
        command.Parameters.Add(new NpgsqlParameter { Value = dedupeKey });
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetFieldValue<DateTimeOffset>(0) : null;
    }

    /// <param name="requestId">The worker run that made the delivery, so deliveries join to <c>worker.job_runs</c>.</param>
    public async Task InsertAsync(AlertDeliveryRecord record, Guid requestId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO control_alert_deliveries
              (route_id, tenant_id, event_type, status, request_id, response_code, response_body, error, metadata, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = record.RouteId });
        command.Parameters.Add(new NpgsqlParameter { Value = record.TenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = record.EventType });
        command.Parameters.Add(new NpgsqlParameter { Value = record.Status });
        command.Parameters.Add(new NpgsqlParameter { Value = requestId.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)record.ResponseCode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = string.IsNullOrEmpty(record.ResponseBody) ? DBNull.Value : record.ResponseBody, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)record.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = record.Metadata.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = at });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
