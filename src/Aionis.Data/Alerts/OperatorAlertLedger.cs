using Npgsql;

namespace Aionis.Data.Alerts;

/// <summary>An operator alert episode as <c>aionis alerts list</c> shows it.</summary>
public sealed record OperatorAlertRow(long Id, string TaskId, string Kind, string Severity, string DedupKey, DateTimeOffset OpenedAt,
    DateTimeOffset? LastSentAt, DateTimeOffset? ResolvedAt, int Occurrences, Guid? LastRunId, string? LastError,
    DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, string? AckComment);

/// <summary>
/// The operator's side of <c>worker.operator_alerts</c>: listing episodes and acknowledging one. An acknowledged
/// episode stays open (a success still resolves it) but is not sent again; the acknowledgement is an event row too.
/// </summary>
public sealed class OperatorAlertLedger(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        id, task_id, kind, severity, dedup_key, opened_at, last_sent_at, resolved_at, occurrences, last_run_id, last_error,
        acknowledged_at, acknowledged_by, ack_comment
        """;

    public async Task<IReadOnlyList<OperatorAlertRow>> ListAsync(bool openOnly, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM worker.operator_alerts WHERE NOT $1 OR resolved_at IS NULL ORDER BY opened_at DESC, id DESC LIMIT $2
            """);
        command.Parameters.Add(new() { Value = openOnly });
        command.Parameters.Add(new() { Value = limit });
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<OperatorAlertRow?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM worker.operator_alerts WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>Acknowledges an open, unacknowledged episode; null when there is none with this id.</summary>
    public async Task<OperatorAlertRow?> AcknowledgeAsync(long id, string by, string? comment, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH acked AS (
                UPDATE worker.operator_alerts SET acknowledged_at = $2, acknowledged_by = $3, ack_comment = $4
                 WHERE id = $1 AND resolved_at IS NULL AND acknowledged_at IS NULL
                RETURNING {Columns}),
            events AS (
                INSERT INTO worker.operator_alert_events (alert_id, at, event, detail)
                SELECT id, $2, 'acknowledged', $3 || coalesce(': ' || $4, '') FROM acked)
            SELECT {Columns} FROM acked
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = by });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = comment });
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    private static async Task<IReadOnlyList<OperatorAlertRow>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<OperatorAlertRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            DateTimeOffset? At(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
            rows.Add(new OperatorAlertRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5), At(6), At(7), reader.GetInt32(8), reader.IsDBNull(9) ? null : reader.GetGuid(9),
                Text(10), At(11), Text(12), Text(13)));
        }
        return rows;
    }
}
