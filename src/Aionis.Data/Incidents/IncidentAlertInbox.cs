using Npgsql;

namespace Aionis.Data.Incidents;

/// <summary>
/// <c>worker.incident_alert_inbox</c>: alerts waiting for triage. Collection is idempotent (one row per alert key) and
/// serialised by an advisory lock; triage claims rows with <c>FOR UPDATE SKIP LOCKED</c> inside its incident
/// transaction, so with several nodes each alert is triaged by exactly one of them.
/// </summary>
public sealed class IncidentAlertInbox(NpgsqlDataSource dataSource)
{
    private const string Columns = "alert_key, source, received_at, service, env, kind, severity, fingerprint, summary, occurrences";

    /// <summary>Adds the alerts not yet in the inbox; returns how many rows were added.</summary>
    public async Task<int> CollectAsync(IReadOnlyList<InboxAlert> alerts, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('incident-alert-inbox', 0))", connection, transaction))
        {
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
                """, connection, transaction);
            Bind(insert, alert with { Occurrences = weight });
            added += await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    /// <summary>The alerts a collection would add (for dry runs): the same arithmetic, no writes.</summary>
    public async Task<IReadOnlyList<InboxAlert>> NotYetCollectedAsync(IReadOnlyList<InboxAlert> alerts, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var fresh = new List<InboxAlert>();
        foreach (var alert in alerts)
        {
            var weight = alert.EpisodeTotal - await SeenAsync(connection, alert.EpisodeKey, cancellationToken);
            if (weight > 0 && !await ExistsAsync(connection, alert.AlertKey, cancellationToken)) fresh.Add(alert with { Occurrences = weight });
        }
        return fresh;
    }

    /// <summary>Pending alerts, oldest first, without claiming them (dry runs).</summary>
    public async Task<IReadOnlyList<InboxAlert>> PendingAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM worker.incident_alert_inbox WHERE triaged_at IS NULL ORDER BY received_at, alert_key LIMIT $1");
        command.Parameters.Add(new() { Value = limit });
        return await IncidentRows.ReadAllAsync(command, Read, cancellationToken);
    }

    /// <summary>Claims up to <paramref name="limit"/> pending alerts for the transaction; rows another node holds are skipped.</summary>
    public async Task<IReadOnlyList<InboxAlert>> ClaimAsync(IncidentTransaction transaction, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns} FROM worker.incident_alert_inbox WHERE triaged_at IS NULL
             ORDER BY received_at, alert_key LIMIT $1 FOR UPDATE SKIP LOCKED
            """, transaction.Connection);
        command.Parameters.Add(new() { Value = limit });
        return await IncidentRows.ReadAllAsync(command, Read, cancellationToken);
    }

    public async Task MarkTriagedAsync(IncidentTransaction transaction, string alertKey, string outcome, string? incidentId, DateTimeOffset at,
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
    public static async Task<int> OccurrencesSinceAsync(NpgsqlConnection connection, string incidentId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT coalesce(sum(occurrences), 0)::int FROM worker.incident_alert_inbox
             WHERE incident_id = $1 AND received_at >= $2
            """, connection);
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

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string alertKey, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM worker.incident_alert_inbox WHERE alert_key = $1)", connection);
        command.Parameters.Add(new() { Value = alertKey });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
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
