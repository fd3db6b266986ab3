using Npgsql;
using static Aionis.Data.Incidents.IncidentRows;

namespace Aionis.Data.Incidents;

/// <summary>Writes to the incident tables inside one database transaction; nothing is visible until <see cref="CommitAsync"/>.</summary>
public sealed class IncidentTransaction : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    internal IncidentTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>The connection the transaction runs on, for other stores that must commit with it (the triage inbox).</summary>
    public NpgsqlConnection Connection => _connection;

    public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

    /// <summary>The incident, row-locked until the transaction ends (events of one incident are numbered one at a time).</summary>
    public async Task<Incident?> LockAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = Command($"SELECT {IncidentColumns} FROM worker.incidents WHERE id = $1 FOR UPDATE");
        command.Parameters.Add(new() { Value = id });
        return (await ReadAllAsync(command, r => ReadIncident(r), cancellationToken)).SingleOrDefault();
    }

    /// <summary>Serialises find-or-create by signature across nodes until the transaction ends.</summary>
    public async Task LockSignatureAsync(string signature, CancellationToken cancellationToken)
    {
        await using var command = Command("SELECT pg_advisory_xact_lock(hashtextextended('incident:' || $1, 0))");
        command.Parameters.Add(new() { Value = signature });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> NextSeqAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = Command("SELECT coalesce(max(seq), 0) + 1 FROM worker.incident_events WHERE incident_id = $1");
        command.Parameters.Add(new() { Value = id });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task InsertIncidentAsync(Incident incident, CancellationToken cancellationToken)
    {
        await using var command = Command($"INSERT INTO worker.incidents ({IncidentColumns}) VALUES ({Placeholders(16)})");
        Bind(command, incident);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpdateIncidentAsync(Incident incident, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            UPDATE worker.incidents SET severity = $5, title = $6, summary = $7, status = $8, resolved_at = $11, closed_at = $12,
                   last_event_at = $14, occurrences = $15, updated_at = $16
             WHERE id = $1 AND service = $2 AND env = $3 AND kind = $4 AND signature = $9 AND started_at = $10 AND created_by = $13
            """);
        Bind(command, incident);
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new InvalidOperationException($"incident {incident.Id} changed identity fields or vanished during the update");
        }
    }

    public async Task InsertEventAsync(IncidentEvent incidentEvent, CancellationToken cancellationToken)
    {
        await using var command = Command($"INSERT INTO worker.incident_events ({EventColumns}) VALUES ({Placeholders(11)})");
        Bind(command, incidentEvent);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks an open follow-up done; null when there is no such follow-up, unchanged when it was done already.</summary>
    public async Task<IncidentEvent?> CompleteFollowupAsync(string id, int seq, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = Command($"""
            UPDATE worker.incident_events SET done_at = coalesce(done_at, $3)
             WHERE incident_id = $1 AND seq = $2 AND type = 'followup'
            RETURNING {EventColumns}
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = seq });
        command.Parameters.Add(new() { Value = at });
        return (await ReadAllAsync(command, ReadEvent, cancellationToken)).SingleOrDefault();
    }

    public async Task UpsertArtifactAsync(IncidentArtifact artifact, CancellationToken cancellationToken)
    {
        await using var command = Command($"""
            INSERT INTO worker.incident_artifacts ({ArtifactColumns}) VALUES ({Placeholders(8)})
            ON CONFLICT (incident_id, name) DO UPDATE SET kind = excluded.kind, size_bytes = excluded.size_bytes,
              sha256 = excluded.sha256, path = excluded.path, added_at = excluded.added_at, added_by = excluded.added_by
             WHERE worker.incident_artifacts.added_at <= excluded.added_at
            """);
        Bind(command, artifact);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The JSONL backlog's records, idempotently: an incident is written when new or newer than the row (by
    /// <c>updated_at</c>), an event when its (incident, seq) is new (a follow-up's done time is kept once set). Replaying
    /// the same backlog twice changes nothing.
    /// </summary>
    public async Task ImportAsync(IReadOnlyList<Incident> incidents, IReadOnlyList<IncidentEvent> events, IReadOnlyList<IncidentArtifact> artifacts,
        CancellationToken cancellationToken)
    {
        foreach (var incident in incidents)
        {
            await using var command = Command($"""
                INSERT INTO worker.incidents ({IncidentColumns}) VALUES ({Placeholders(16)})
                ON CONFLICT (id) DO UPDATE SET severity = excluded.severity, title = excluded.title, summary = excluded.summary,
                  status = excluded.status, resolved_at = excluded.resolved_at, closed_at = excluded.closed_at,
                  last_event_at = excluded.last_event_at, occurrences = excluded.occurrences, updated_at = excluded.updated_at
                 WHERE worker.incidents.updated_at < excluded.updated_at
                """);
            Bind(command, incident);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var incidentEvent in events)
        {
            await using var command = Command($"""
                INSERT INTO worker.incident_events ({EventColumns}) VALUES ({Placeholders(11)})
                ON CONFLICT (incident_id, seq) DO UPDATE SET done_at = coalesce(worker.incident_events.done_at, excluded.done_at)
                """);
            Bind(command, incidentEvent);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var artifact in artifacts)
        {
            await UpsertArtifactAsync(artifact, cancellationToken);
        }
    }

    private NpgsqlCommand Command(string sql) => new(sql, _connection, _transaction);

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
