using Npgsql;

namespace Aionis.Data.Alerts;

/// <summary>The kinds of operator alert episodes a task can have open at once.</summary>
public static class OperatorAlertKind
{
    public const string Failure = "failure";
    public const string GateFailed = "gate_failed";
    public const string Overdue = "overdue";

    public static readonly string[] All = [Failure, GateFailed, Overdue];
}

/// <summary>An operator alert episode as stored; <see cref="Due"/> says whether this occurrence should be sent.</summary>
public sealed record OperatorAlertEpisode(string TaskId, string Kind, string DedupKey, string Severity, DateTimeOffset OpenedAt,
    DateTimeOffset? LastSentAt, int Occurrences, bool Due)
{
    /// <summary>The node of the episode's last run (none for overdue), as Alertmanager's <c>node</c> label.</summary>
    public string? Node { get; init; }

    public string? LastError { get; init; }
}

/// <summary>
/// <c>worker.operator_alerts</c> and <c>worker.operator_alert_events</c> in plain SQL. A row is one episode of a task
/// and kind, from its first occurrence to its resolve; a new episode is a new row, so the history of every open and
/// resolve is kept. Each occurrence, send and resolve is also an event row (<c>event</c>: opened, repeated, sent,
/// resolved). An occurrence is due when it opens an episode, when nothing has been sent yet (an earlier send failed),
/// or when the re-notify window has passed, unless an operator acknowledged the episode (<c>aionis alerts ack</c>).
/// </summary>
public sealed class OperatorAlertStore(NpgsqlDataSource dataSource)
{
    /// <param name="renotifyAfter">null: alert once per episode (overdue); else again after this long (failures).</param>
    public async Task<OperatorAlertEpisode> RecordOccurrenceAsync(string taskId, string kind, string severity, DateTimeOffset now,
        Guid? runId, string? error, TimeSpan? renotifyAfter, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        OperatorAlertEpisode? open = null;
        var acknowledged = false;
        await using (var read = new NpgsqlCommand("""
            SELECT dedup_key, severity, opened_at, last_sent_at, occurrences, acknowledged_at IS NOT NULL FROM worker.operator_alerts
             WHERE task_id = $1 AND kind = $2 AND resolved_at IS NULL FOR UPDATE
            """, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = taskId });
            read.Parameters.Add(new NpgsqlParameter { Value = kind });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                open = new OperatorAlertEpisode(taskId, kind, reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4), Due: false);
                acknowledged = reader.GetBoolean(5);
            }
        }
        var episode = open is null
            ? new OperatorAlertEpisode(taskId, kind, $"aionis-worker:{taskId}:{kind}", severity, now, null, 1, Due: true)
            : open with
            {
                Occurrences = open.Occurrences + 1,
                Due = !acknowledged && (open.LastSentAt is not { } sent || (renotifyAfter is { } window && sent <= now - window)),
            };
        // The open episode is the one row of the task and kind without resolved_at (a partial unique index): a second
        // node racing to open the same episode counts an occurrence of it instead.
        await using (var write = new NpgsqlCommand("""
            WITH episode AS (
                INSERT INTO worker.operator_alerts AS a
                  (task_id, kind, dedup_key, severity, opened_at, last_sent_at, resolved_at, occurrences, last_run_id, last_error)
                VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, $7, $8)
                ON CONFLICT (task_id, kind) WHERE resolved_at IS NULL DO UPDATE SET
                  occurrences = a.occurrences + 1,
                  last_run_id = COALESCE(EXCLUDED.last_run_id, a.last_run_id), last_error = COALESCE(EXCLUDED.last_error, a.last_error)
                RETURNING id, (xmax = 0) AS opened, opened_at, last_sent_at, occurrences),
            events AS (
                INSERT INTO worker.operator_alert_events (alert_id, at, event, run_id, detail)
                SELECT id, $5, CASE WHEN opened THEN 'opened' ELSE 'repeated' END, $7, $8 FROM episode)
            -- An episode another node opened meanwhile stays that episode (same opening, so the same notification key).
            SELECT opened_at, last_sent_at, occurrences FROM episode
            """, connection, transaction))
        {
            write.Parameters.Add(new NpgsqlParameter { Value = taskId });
            write.Parameters.Add(new NpgsqlParameter { Value = kind });
            write.Parameters.Add(new NpgsqlParameter { Value = episode.DedupKey });
            write.Parameters.Add(new NpgsqlParameter { Value = severity });
            write.Parameters.Add(new NpgsqlParameter { Value = now });
            write.Parameters.Add(new NpgsqlParameter { Value = episode.Occurrences });
            write.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = runId });
            write.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = error });
            await using var stored = await write.ExecuteReaderAsync(cancellationToken);
            await stored.ReadAsync(cancellationToken);
            episode = episode with
            {
                OpenedAt = stored.GetFieldValue<DateTimeOffset>(0),
                LastSentAt = stored.IsDBNull(1) ? null : stored.GetFieldValue<DateTimeOffset>(1),
                Occurrences = stored.GetInt32(2),
            };
        }
        await transaction.CommitAsync(cancellationToken);
        return episode;
    }

    public async Task MarkSentAsync(string taskId, string kind, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH sent AS (
                UPDATE worker.operator_alerts SET last_sent_at = $3 WHERE task_id = $1 AND kind = $2 AND resolved_at IS NULL
                RETURNING id, last_run_id)
            INSERT INTO worker.operator_alert_events (alert_id, at, event, run_id) SELECT id, $3, 'sent', last_run_id FROM sent
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = taskId });
        command.Parameters.Add(new NpgsqlParameter { Value = kind });
        command.Parameters.Add(new NpgsqlParameter { Value = at });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Closes the task's open episodes of these kinds and returns them (the ones that alerted need a resolve).</summary>
    public async Task<List<OperatorAlertEpisode>> ResolveAsync(string taskId, IReadOnlyList<string> kinds, DateTimeOffset at, string reason,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH resolved AS (
                UPDATE worker.operator_alerts SET resolved_at = $3
                 WHERE task_id = $1 AND kind = ANY($2) AND resolved_at IS NULL
                RETURNING id, kind, dedup_key, severity, opened_at, last_sent_at, occurrences, last_run_id),
            events AS (
                INSERT INTO worker.operator_alert_events (alert_id, at, event, detail) SELECT id, $3, 'resolved', $4 FROM resolved)
            SELECT kind, dedup_key, severity, opened_at, last_sent_at, occurrences,
                   (SELECT r.node FROM worker.job_runs r WHERE r.run_id = resolved.last_run_id)
              FROM resolved
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = taskId });
        command.Parameters.Add(new NpgsqlParameter { Value = kinds.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = at });
        command.Parameters.Add(new NpgsqlParameter { Value = reason });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var resolved = new List<OperatorAlertEpisode>();
        while (await reader.ReadAsync(cancellationToken))
        {
            resolved.Add(new OperatorAlertEpisode(taskId, reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetInt32(5), Due: !reader.IsDBNull(4)) { Node = reader.IsDBNull(6) ? null : reader.GetString(6) });
        }
        return resolved;
    }

    /// <summary>Open episodes that have alerted (for channels that need a re-post while open: Alertmanager).</summary>
    public async Task<List<OperatorAlertEpisode>> OpenSentAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT a.task_id, a.kind, a.dedup_key, a.severity, a.opened_at, a.last_sent_at, a.occurrences, r.node, a.last_error
              FROM worker.operator_alerts a
              LEFT JOIN worker.job_runs r ON r.run_id = a.last_run_id
             WHERE a.resolved_at IS NULL AND a.last_sent_at IS NOT NULL
             ORDER BY a.task_id, a.kind
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var open = new List<OperatorAlertEpisode>();
        while (await reader.ReadAsync(cancellationToken))
        {
            open.Add(new OperatorAlertEpisode(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt32(6), Due: true)
            {
                Node = reader.IsDBNull(7) ? null : reader.GetString(7),
                LastError = reader.IsDBNull(8) ? null : reader.GetString(8),
            });
        }
        return open;
    }
}
