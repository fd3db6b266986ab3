using Npgsql;

namespace Aionis.Data.Alerts;

/// <summary>What a silence matches: every given field must equal the alert's (at least one is given).</summary>
public sealed record SilenceMatch(string? TaskId, string? Kind, string? Severity)
{
    public override string ToString() => string.Join(",", new[] { ("task", TaskId), ("kind", Kind), ("severity", Severity) }
        .Where(m => m.Item2 is not null).Select(m => $"{m.Item1}={m.Item2}"));
}

public sealed record AlertSilence(long Id, SilenceMatch Match, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string CreatedBy, string Comment,
    DateTimeOffset? EndedAt, string? EndedBy, bool Active);

/// <summary>
/// <c>worker.alert_silences</c>: while a silence lasts, matching operator alerts are recorded (an episode, its
/// occurrences and a <c>silenced</c> event) but not sent. A silence ends at <c>ends_at</c> or by <c>unsilence</c>
/// (<c>ended_at</c>, <c>ended_by</c>); rows are kept as history.
/// </summary>
public sealed class AlertSilenceStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, task_id, kind, severity, starts_at, ends_at, created_by, comment, ended_at, ended_by";

    public async Task<long> CreateAsync(SilenceMatch match, DateTimeOffset startsAt, DateTimeOffset endsAt, string createdBy, string comment,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO worker.alert_silences (task_id, kind, severity, starts_at, ends_at, created_by, comment)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = match.TaskId });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = match.Kind });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = match.Severity });
        command.Parameters.Add(new() { Value = startsAt });
        command.Parameters.Add(new() { Value = endsAt });
        command.Parameters.Add(new() { Value = createdBy });
        command.Parameters.Add(new() { Value = comment });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <param name="all">false: the silences in force at <paramref name="now"/>; true: every silence, newest first.</param>
    public async Task<IReadOnlyList<AlertSilence>> ListAsync(bool all, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM worker.alert_silences
             WHERE $1 OR (ended_at IS NULL AND starts_at <= $2 AND ends_at > $2)
             ORDER BY id DESC
            """);
        command.Parameters.Add(new() { Value = all });
        command.Parameters.Add(new() { Value = now });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var silences = new List<AlertSilence>();
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            var ends = reader.GetFieldValue<DateTimeOffset>(5);
            var ended = reader.IsDBNull(8) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(8);
            var starts = reader.GetFieldValue<DateTimeOffset>(4);
            silences.Add(new AlertSilence(reader.GetInt64(0), new SilenceMatch(Text(1), Text(2), Text(3)), starts, ends,
                reader.GetString(6), reader.GetString(7), ended, Text(9), Active: ended is null && starts <= now && ends > now));
        }
        return silences;
    }

    /// <summary>Ends a silence in force; false when there is none with this id (unknown, expired or already ended).</summary>
    public async Task<bool> EndAsync(long id, string endedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE worker.alert_silences SET ended_at = $2, ended_by = $3 WHERE id = $1 AND ended_at IS NULL AND ends_at > $2
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = endedBy });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>
    /// The silence in force that matches the open alert of this task and kind, if any; when one does, a
    /// <c>silenced</c> event naming it is recorded on the alert in the same statement.
    /// </summary>
    public async Task<long?> SilenceIfMatchedAsync(string taskId, string kind, string severity, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH silence AS (
                SELECT id FROM worker.alert_silences
                 WHERE ended_at IS NULL AND starts_at <= $4 AND ends_at > $4
                   AND coalesce(task_id = $1, true) AND coalesce(kind = $2, true) AND coalesce(severity = $3, true)
                 ORDER BY ends_at DESC LIMIT 1),
            recorded AS (
                INSERT INTO worker.operator_alert_events (alert_id, at, event, detail)
                SELECT a.id, $4, 'silenced', 'silence ' || s.id FROM worker.operator_alerts a, silence s
                 WHERE a.task_id = $1 AND a.kind = $2 AND a.resolved_at IS NULL)
            SELECT id FROM silence
            """);
        command.Parameters.Add(new() { Value = taskId });
        command.Parameters.Add(new() { Value = kind });
        command.Parameters.Add(new() { Value = severity });
        command.Parameters.Add(new() { Value = now });
        return await command.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
    }
}
