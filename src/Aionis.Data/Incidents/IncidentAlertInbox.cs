using Npgsql;

namespace Aionis.Data.Incidents;

/// <summary>
/// <c>worker.incident_alert_inbox</c>: alerts waiting for triage. Collection is idempotent (one row per alert key) and
/// serialised by an advisory lock; triage claims rows with <c>FOR UPDATE SKIP LOCKED</c> inside its incident
/// transaction, so with several nodes each alert is triaged by exactly one of them. Every statement runs in the
/// caller's <see cref="IncidentTransaction"/>, so a dry run can roll all of it back.
/// </summary>
public static class IncidentAlertInbox
{
    private const string Columns = "alert_key, source, received_at, service, env, kind, severity, fingerprint, summary, occurrences";

    /// <summary>
    /// Adds the alerts not yet in the inbox, inside the triage transaction; returns how many rows were added. Live runs
    /// take an advisory lock first so two nodes collecting at once count each occurrence once.
    /// </summary>
    public static async Task<int> CollectAsync(IncidentTransaction transaction, IReadOnlyList<InboxAlert> alerts, bool serialise, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection;
        if (serialise)
        {
            await using var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('incident-alert-inbox', 0))", connection);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        var added = 0;
        foreach (var alert in alerts)
        {
            var weight = alert.EpisodeTotal - await SeenAsync(connection, alert.EpisodeKey, cancellationToken);
            if (weight <= 0) continue;
            await using var insert = new NpgsqlCommand($"""
                INSERT INTO worker.incident_alert_inbox ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT (alert_key) DO NOTHING
                """, connection);
            Bind(insert, alert with { Occurrences = weight });
            added += await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        return added;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> pending alerts, oldest first. Claimed (<c>FOR UPDATE SKIP LOCKED</c>: rows another
    /// node holds are skipped) unless <paramref name="claim"/> is false (dry runs read without locking anyone out).
    /// </summary>
    public static async Task<IReadOnlyList<InboxAlert>> PendingAsync(IncidentTransaction transaction, int limit, bool claim, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns} FROM worker.incident_alert_inbox WHERE triaged_at IS NULL
             ORDER BY received_at, alert_key LIMIT $1 {(claim ? "FOR UPDATE SKIP LOCKED" : "")}
            """, transaction.Connection);
        command.Parameters.Add(new() { Value = limit });
        return await IncidentRows.ReadAllAsync(command, Read, cancellationToken);
    }

    /// <summary>The newest open incident of the signature whose last alert (or start) is at or after <paramref name="since"/>.</summary>
    public static async Task<string?> OpenIncidentAsync(IncidentTransaction transaction, string signature, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT i.id FROM worker.incidents i
             WHERE i.signature = $1 AND i.status IN ('open', 'mitigating')
               AND coalesce((SELECT max(a.received_at) FROM worker.incident_alert_inbox a WHERE a.incident_id = i.id), i.started_at) >= $2
             ORDER BY i.started_at DESC, i.id LIMIT 1
            """, transaction.Connection);
        command.Parameters.Add(new() { Value = signature });
        command.Parameters.Add(new() { Value = since });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>
    /// Open P2/P3 incidents made by triage whose last alert is older than <paramref name="quietSince"/> and that have no
    /// note starting with <paramref name="notePrefix"/> since that alert; row-locked, skipping rows another node holds.
    /// </summary>
    public static async Task<IReadOnlyList<string>> QuietIncidentsAsync(IncidentTransaction transaction, DateTimeOffset quietSince, string notePrefix, int limit,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT i.id FROM worker.incidents i
              JOIN LATERAL (SELECT max(a.received_at) AS last_alert FROM worker.incident_alert_inbox a WHERE a.incident_id = i.id) l ON true
             WHERE i.status IN ('open', 'mitigating') AND i.severity IN ('P2', 'P3') AND l.last_alert < $1
               AND NOT EXISTS (SELECT 1 FROM worker.incident_events e
                                WHERE e.incident_id = i.id AND e.type = 'note' AND e.at >= l.last_alert AND starts_with(e.message, $2))
             ORDER BY l.last_alert, i.id LIMIT $3
               FOR UPDATE OF i SKIP LOCKED
            """, transaction.Connection);
        command.Parameters.Add(new() { Value = quietSince });
        command.Parameters.Add(new() { Value = notePrefix });
        command.Parameters.Add(new() { Value = limit });
        return await IncidentRows.ReadAllAsync(command, r => r.GetString(0), cancellationToken);
    }

    public static async Task MarkTriagedAsync(IncidentTransaction transaction, string alertKey, string outcome, string? incidentId, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE worker.incident_alert_inbox SET triaged_at = $2, outcome = $3, incident_id = $4 WHERE alert_key = $1", transaction.Connection);
        command.Parameters.Add(new() { Value = alertKey });
        command.Parameters.Add(new() { Value = at });
        command.Parameters.Add(new() { Value = outcome });
        command.Parameters.Add(IncidentRows.Text(incidentId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Occurrences of alerts triaged into the incident since a time (the escalation window).</summary>
    public static async Task<int> OccurrencesSinceAsync(IncidentTransaction transaction, string incidentId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT coalesce(sum(occurrences), 0)::int FROM worker.incident_alert_inbox
             WHERE incident_id = $1 AND received_at >= $2
            """, transaction.Connection);
        command.Parameters.Add(new() { Value = incidentId });
        command.Parameters.Add(new() { Value = since });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<int> SeenAsync(NpgsqlConnection connection, string episodeKey, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(sum(occurrences), 0)::int FROM worker.incident_alert_inbox WHERE starts_with(alert_key, $1)", connection);
        command.Parameters.Add(new() { Value = episodeKey });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static void Bind(NpgsqlCommand command, InboxAlert a)
    {
        var p = command.Parameters;
        p.Add(new() { Value = a.AlertKey });
        p.Add(new() { Value = a.Source });
        p.Add(new() { Value = a.ReceivedAt });
        p.Add(new() { Value = a.Service });
        p.Add(new() { Value = a.Env });
        p.Add(new() { Value = a.Kind });
        p.Add(new() { Value = a.Severity });
        p.Add(new() { Value = a.Fingerprint });
        p.Add(new() { Value = a.Summary });
        p.Add(new() { Value = a.Occurrences });
    }

    private static InboxAlert Read(NpgsqlDataReader r) => new()
    {
        AlertKey = r.GetString(0),
        EpisodeKey = r.GetString(0),
        EpisodeTotal = r.GetInt32(9),
        Source = r.GetString(1),
        ReceivedAt = r.GetFieldValue<DateTimeOffset>(2),
        Service = r.GetString(3),
        Env = r.GetString(4),
        Kind = r.GetString(5),
        Severity = r.GetString(6),
        Fingerprint = r.GetString(7),
        Summary = r.GetString(8),
        Occurrences = r.GetInt32(9),
    };
}
