using Npgsql;

namespace Aionis.Data.Controls;

public sealed record NodeState(string Node, string Host, string Version, DateTimeOffset StartedAt, DateTimeOffset LastSeenAt,
    DateTimeOffset? StoppedAt, bool Alive, long RunsInFlight);

public sealed record RunInFlight(Guid RunId, string? TaskId, string Job, string Node, bool DryRun, string TriggeredBy, DateTimeOffset StartedAt,
    double ElapsedSeconds, double? P95Seconds, double? TimeoutSeconds, bool CancelRequested);

public sealed record QueuedRun(string TaskId, string Kind, DateTimeOffset DueAt, string? TriggeredBy);

public sealed record NextFire(string TaskId, DateTimeOffset At);

public sealed record FailingTask(string TaskId, string Status, Guid RunId, DateTimeOffset At, string? Error);

public sealed record PausedTask(string TaskId, string? Reason, DateTimeOffset? Until, string? PausedBy);

public sealed record OverdueTask(string TaskId, string Why);

public sealed record OpenAlert(long Id, string TaskId, string Kind, string Severity, DateTimeOffset OpenedAt, int Occurrences,
    DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy);

/// <summary>Everything <c>aionis status</c> shows, read at one moment.</summary>
public sealed record ClusterStatus(
    DateTimeOffset At,
    IReadOnlyList<NodeState> Nodes,
    IReadOnlyList<RunInFlight> Running,
    IReadOnlyList<QueuedRun> Queued,
    IReadOnlyList<NextFire> NextFires,
    IReadOnlyList<FailingTask> Failing,
    IReadOnlyList<PausedTask> Paused,
    IReadOnlyList<OverdueTask> Overdue,
    IReadOnlyList<OpenAlert> OpenAlerts);

/// <summary>
/// The cluster at a glance, from the database alone (no node needs to run): one batch, one round trip. A node is
/// alive while its last check-in is within twice its check-in interval and it has not stopped. Overdue: an open
/// dead-man-switch alert, or a schedule fire more than <see cref="MissedFireGrace"/> in the past (no node is firing).
/// </summary>
public sealed class ClusterStatusStore(NpgsqlDataSource dataSource)
{
    public static readonly TimeSpan MissedFireGrace = TimeSpan.FromMinutes(1);

    private const string Nodes = """
        SELECT n.node, n.host, n.version, n.started_at, n.last_seen_at, n.stopped_at,
               n.stopped_at IS NULL AND n.last_seen_at > $1 - 2 * n.checkin_interval_ms * interval '1 millisecond',
               (SELECT count(*) FROM worker.job_runs r WHERE r.status = 'running' AND r.node = n.node)
          FROM worker.nodes n ORDER BY n.node
        """;

    // The timeout is the persisted task definition's (a JSON string inside the Quartz job data): `timeout` in seconds, or
    // `timeout_seconds` in job data a sync wrote before the definition nested its policies.
    private const string Running = """
        SELECT r.run_id, r.task_id, r.job, r.node, r.dry_run, coalesce(r.triggered_by, r.trigger), r.started_at,
               extract(epoch FROM $1 - r.started_at)::float8, s.p95_duration_ms_7d / 1000.0,
               (SELECT coalesce(d ->> 'timeout', d ->> 'timeout_seconds')::float8
                  FROM (SELECT (convert_from(j.job_data, 'UTF8')::jsonb ->> 'definition')::jsonb AS d) definition),
               EXISTS (SELECT 1 FROM worker.run_cancellations c WHERE c.run_id = r.run_id)
          FROM worker.job_runs r
          LEFT JOIN worker.task_status s ON s.task_id = r.task_id
          LEFT JOIN worker.qrtz_job_details j ON j.job_group = 'registry' AND j.job_name = r.task_id
         WHERE r.status = 'running' ORDER BY r.started_at
        """;

    private const string Queued = """
        SELECT t.job_name, t.trigger_group, to_timestamp(t.next_fire_time / 1e7 - 62135596800),
               CASE WHEN length(t.job_data) > 0 THEN convert_from(t.job_data, 'UTF8')::jsonb ->> 'triggered_by' END
          FROM worker.qrtz_triggers t
         WHERE t.job_group = 'registry' AND t.trigger_group IN ('enqueued', 'retry') AND t.next_fire_time IS NOT NULL
         ORDER BY t.next_fire_time
        """;

    private const string NextFires = """
        SELECT task_id, next_fire_time FROM worker.task_status
         WHERE NOT paused AND next_fire_time IS NOT NULL ORDER BY next_fire_time, task_id LIMIT 10
        """;

    private const string Failing = """
        SELECT s.task_id, s.last_status, s.last_run_id, s.last_run_at, r.error
          FROM worker.task_status s JOIN worker.job_runs r ON r.run_id = s.last_run_id
         WHERE s.last_status IN ('failed', 'timed_out', 'abandoned', 'gate_failed', 'cancelled') ORDER BY s.task_id
        """;

    private const string Paused = """
        SELECT task_id, pause_reason, paused_until, paused_by FROM worker.task_status WHERE paused ORDER BY task_id
        """;

    private const string Overdue = """
        SELECT task_id, 'no success since ' || to_char(min(opened_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' (dead-man switch)'
          FROM worker.operator_alerts WHERE kind = 'overdue' AND resolved_at IS NULL GROUP BY task_id
        UNION ALL
        SELECT task_id, 'fire due at ' || to_char(next_fire_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' has not run (no node firing?)'
          FROM worker.task_status WHERE NOT paused AND next_fire_time < $1 - $2
        ORDER BY 1
        """;

    private const string OpenAlerts = """
        SELECT id, task_id, kind, severity, opened_at, occurrences, acknowledged_at, acknowledged_by
          FROM worker.operator_alerts WHERE resolved_at IS NULL ORDER BY opened_at
        """;

    public async Task<ClusterStatus> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var sql in new[] { Nodes, Running, Queued, NextFires, Failing, Paused, Overdue, OpenAlerts })
        {
            var command = new NpgsqlBatchCommand(sql);
            if (sql.Contains("$1", StringComparison.Ordinal)) command.Parameters.Add(new() { Value = now });
            if (sql.Contains("$2", StringComparison.Ordinal)) command.Parameters.Add(new() { Value = MissedFireGrace });
            batch.BatchCommands.Add(command);
        }
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var nodes = await ReadAsync(reader, r => new NodeState(r.GetString(0), r.GetString(1), r.GetString(2), At(r, 3)!.Value, At(r, 4)!.Value,
            At(r, 5), r.GetBoolean(6), r.GetInt64(7)), cancellationToken);
        var running = await NextAsync(reader, r => new RunInFlight(r.GetGuid(0), Text(r, 1), r.GetString(2), r.GetString(3), r.GetBoolean(4),
            r.GetString(5), At(r, 6)!.Value, r.GetDouble(7), r.IsDBNull(8) ? null : r.GetDouble(8), r.IsDBNull(9) ? null : r.GetDouble(9),
            r.GetBoolean(10)), cancellationToken);
        var queued = await NextAsync(reader, r => new QueuedRun(r.GetString(0), r.GetString(1), At(r, 2)!.Value, Text(r, 3)), cancellationToken);
        var fires = await NextAsync(reader, r => new NextFire(r.GetString(0), At(r, 1)!.Value), cancellationToken);
        var failing = await NextAsync(reader, r => new FailingTask(r.GetString(0), r.GetString(1), r.GetGuid(2), At(r, 3)!.Value, Text(r, 4)),
            cancellationToken);
        var paused = await NextAsync(reader, r => new PausedTask(r.GetString(0), Text(r, 1), At(r, 2), Text(r, 3)), cancellationToken);
        var overdue = await NextAsync(reader, r => new OverdueTask(r.GetString(0), r.GetString(1)), cancellationToken);
        var alerts = await NextAsync(reader, r => new OpenAlert(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), At(r, 4)!.Value,
            r.GetInt32(5), At(r, 6), Text(r, 7)), cancellationToken);
        return new ClusterStatus(now, nodes, running, queued, fires, failing, paused, overdue, alerts);
    }

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static DateTimeOffset? At(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);

    private static async Task<List<T>> NextAsync<T>(NpgsqlDataReader reader, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await reader.NextResultAsync(cancellationToken);
        return await ReadAsync(reader, read, cancellationToken);
    }

    private static async Task<List<T>> ReadAsync<T>(NpgsqlDataReader reader, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(read(reader));
        return rows;
    }
}
