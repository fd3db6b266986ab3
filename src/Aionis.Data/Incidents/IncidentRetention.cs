using Npgsql;

namespace Aionis.Data.Incidents;

/// <summary>Closed incidents past retention: counted, and deleted oldest first in bounded batches (events and artifact rows cascade).</summary>
public sealed class IncidentRetention(NpgsqlDataSource dataSource)
{
    public async Task<long> CountAsync(DateTimeOffset closedBefore, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM worker.incidents WHERE status = 'closed' AND closed_at < $1");
        command.Parameters.Add(new() { Value = closedBefore });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Deletes one batch; returns the ids deleted (their artifact folders are the caller's to remove).</summary>
    public async Task<IReadOnlyList<string>> DeleteBatchAsync(DateTimeOffset closedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH gone AS (
                DELETE FROM worker.incidents
                 WHERE id IN (SELECT id FROM worker.incidents WHERE status = 'closed' AND closed_at < $1 ORDER BY closed_at, id LIMIT $2)
                RETURNING id),
            inbox AS (DELETE FROM worker.incident_alert_inbox WHERE incident_id IN (SELECT id FROM gone))
            SELECT id FROM gone ORDER BY id
            """);
        command.Parameters.Add(new() { Value = closedBefore });
        command.Parameters.Add(new() { Value = limit });
        return await IncidentRows.ReadAllAsync(command, r => r.GetString(0), cancellationToken);
    }
}
