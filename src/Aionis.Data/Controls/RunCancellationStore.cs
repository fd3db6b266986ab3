using Npgsql;

namespace Aionis.Data.Controls;

/// <summary>What became of <c>aionis cancel</c>: the run's status when asked and whether this call made the request.</summary>
public sealed record CancellationRequest(string Status, string Node, bool Requested, string? RequestedBy);

/// <summary>A request a node picked up for one of its runs.</summary>
public sealed record PendingCancellation(Guid RunId, string RequestedBy, string? Reason);

/// <summary>
/// <c>worker.run_cancellations</c>: one row per cancelled run, from the request (who, why) through the moment the
/// running node saw it to the run's final status (<c>outcome</c>). Any host with the database can ask; only the node
/// running the run acts on it.
/// </summary>
public sealed class RunCancellationStore(NpgsqlDataSource dataSource)
{
    /// <returns>null when no run has this id.</returns>
    public async Task<CancellationRequest?> RequestAsync(Guid runId, string requestedBy, string? reason, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH run AS (SELECT run_id, status, node FROM worker.job_runs WHERE run_id = $1),
            requested AS (
                INSERT INTO worker.run_cancellations (run_id, requested_at, requested_by, reason)
                SELECT run_id, $2, $3, $4 FROM run WHERE status = 'running'
                ON CONFLICT (run_id) DO NOTHING
                RETURNING run_id)
            SELECT run.status, run.node, EXISTS (SELECT 1 FROM requested),
                   (SELECT requested_by FROM worker.run_cancellations c WHERE c.run_id = run.run_id)
              FROM run
            """);
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = requestedBy });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = reason });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new CancellationRequest(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    /// <summary>Marks the unseen requests for these runs seen by <paramref name="node"/> and returns them.</summary>
    public async Task<IReadOnlyList<PendingCancellation>> TakeAsync(IReadOnlyCollection<Guid> runIds, string node, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE worker.run_cancellations SET seen_at = $2, seen_by = $3
             WHERE run_id = ANY($1) AND seen_at IS NULL
            RETURNING run_id, requested_by, reason
            """);
        command.Parameters.Add(new() { Value = runIds.ToArray() });
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = node });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pending = new List<PendingCancellation>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pending.Add(new PendingCancellation(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }
        return pending;
    }

    /// <summary>Copies the final status of every cancelled run that has ended into its request (any node may do it).</summary>
    public async Task RecordOutcomesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE worker.run_cancellations c SET outcome = r.status, outcome_at = r.finished_at
              FROM worker.job_runs r
             WHERE r.run_id = c.run_id AND c.outcome IS NULL AND r.status <> 'running'
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
