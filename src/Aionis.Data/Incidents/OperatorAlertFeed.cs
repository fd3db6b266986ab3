using Npgsql;

namespace Aionis.Data.Incidents;

/// <summary>An operator alert episode of <c>worker.operator_alerts</c> as triage sees it: its running occurrence count.</summary>
public sealed record OperatorAlertRow(string TaskId, string Kind, string Severity, DateTimeOffset OpenedAt, int Occurrences, string? LastError);

/// <summary>
/// Reads the worker's own operator alerts (written by the scheduler's notify policy) for incident triage: the episodes
/// still open, and those opened within the look-back.
/// </summary>
public sealed class OperatorAlertFeed(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<OperatorAlertRow>> ReadAsync(DateTimeOffset openedSince, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT task_id, kind, severity, opened_at, occurrences, last_error FROM worker.operator_alerts
             WHERE resolved_at IS NULL OR opened_at >= $1
             ORDER BY opened_at, task_id, kind
            """);
        command.Parameters.Add(new() { Value = openedSince });
        return await IncidentRows.ReadAllAsync(command, r => new OperatorAlertRow(r.GetString(0), r.GetString(1), r.GetString(2),
            r.GetFieldValue<DateTimeOffset>(3), r.GetInt32(4), r.IsDBNull(5) ? null : r.GetString(5)), cancellationToken);
    }
}
