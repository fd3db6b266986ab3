using Aionis.Data.History;
using Npgsql;

namespace Aionis.Data.Reports;

public sealed record NodeCheckin(string Node, DateTimeOffset LastCheckinAt, TimeSpan CheckinInterval);

public sealed record OverdueTask(string TaskId, DateTimeOffset NextFireTime);

/// <summary>The latest live run of a job type; <see cref="SummaryNumber"/> is one numeric field of its summary, when asked for.</summary>
public sealed record LastRun(Guid RunId, string? TaskId, string Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Error, long? SummaryNumber);

public sealed record ProblemRun(Guid RunId, string? TaskId, string Job, string Status, DateTimeOffset StartedAt, string? Error);

public sealed record KeyCount(string Key, long Count);

public sealed record OpenPause(string TaskId, string Reason, string PausedBy, DateTimeOffset PausedAt, DateTimeOffset? Until);

/// <summary>Operator alert episodes of one severity: opened in the window, and open now.</summary>
public sealed record AlertSeverityCount(string Severity, long OpenedInWindow, long Open);

public sealed record TableSize(string Table, long Bytes);

/// <summary>A registry sync that changed the schedule or was rejected (<c>worker.registry_syncs</c>; errors as stored, JSON).</summary>
public sealed record RegistryChange(DateTimeOffset At, string Node, bool Accepted, string[] Added, string[] Changed, string[] Removed, string Errors);

/// <summary>A task's live runs in a window and how many failed (failed, timed out, abandoned) or failed their gate.</summary>
public sealed record TaskFailures(string TaskId, long Runs, long Failed, long GateFailed);

/// <summary>
/// What the operations reports read of the worker's own tables (runs, pauses, operator alerts, the Quartz cluster
/// state). Live runs only: a dry run changes nothing an operator relies on. Times are passed in (the job's clock).
/// </summary>
public sealed class OpsHistory(NpgsqlDataSource dataSource)
{
    // Quartz.NET stores times as .NET ticks; this turns them into timestamptz.
    private const string Ticks = "/ 1e7 - 62135596800";

    public async Task<IReadOnlyList<NodeCheckin>> NodesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT instance_name, to_timestamp(last_checkin_time {Ticks}), checkin_interval
              FROM worker.qrtz_scheduler_state ORDER BY instance_name
            """);
        return await ReadAllAsync(command, r => new NodeCheckin(r.GetString(0), r.GetFieldValue<DateTimeOffset>(1), TimeSpan.FromMilliseconds(r.GetInt64(2))), cancellationToken);
    }

    /// <summary>Registry tasks whose next fire time is more than <paramref name="grace"/> in the past and that are not paused.</summary>
    public async Task<IReadOnlyList<OverdueTask>> OverdueTasksAsync(DateTimeOffset now, TimeSpan grace, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT t.job_name, to_timestamp(t.next_fire_time {Ticks})
              FROM worker.qrtz_triggers t
             WHERE t.trigger_group = 'registry' AND t.trigger_state NOT IN ('PAUSED', 'PAUSED_BLOCKED')
               AND t.next_fire_time IS NOT NULL AND to_timestamp(t.next_fire_time {Ticks}) < $1 - $2
               AND NOT EXISTS (SELECT 1 FROM worker.task_pauses p WHERE p.task_id = t.job_name AND p.resumed_at IS NULL)
             ORDER BY 2, 1
            """);
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = grace });
        return await ReadAllAsync(command, r => new OverdueTask(r.GetString(0), r.GetFieldValue<DateTimeOffset>(1)), cancellationToken);
    }

    /// <summary>
    /// The latest finished live run of any of <paramref name="jobs"/> started before <paramref name="now"/>, with the
    /// numeric summary field <paramref name="summaryField"/> (snake_case name) when given.
    /// </summary>
    public async Task<LastRun?> LastRunAsync(IReadOnlyList<string> jobs, DateTimeOffset now, string? summaryField, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT run_id, task_id, status, started_at, finished_at, error,
                   CASE WHEN $3::text IS NOT NULL AND jsonb_typeof(summary::jsonb -> $3) = 'number' THEN (summary::jsonb ->> $3)::numeric::bigint END
              FROM worker.job_runs
             WHERE job = ANY($1) AND NOT dry_run AND status <> 'running' AND started_at <= $2
             ORDER BY started_at DESC LIMIT 1
            """);
        command.Parameters.Add(new() { Value = jobs.ToArray() });
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = (object?)summaryField ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var rows = await ReadAllAsync(command, r => new LastRun(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2),
            r.GetFieldValue<DateTimeOffset>(3), r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetString(5),
            r.IsDBNull(6) ? null : r.GetInt64(6)), cancellationToken);
        return rows.FirstOrDefault();
    }

    /// <summary>When the latest live run of <paramref name="job"/> with input <paramref name="input"/> = <paramref name="value"/> started.</summary>
    public async Task<DateTimeOffset?> LastStartWithInputAsync(string job, string input, string value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT max(started_at) FROM worker.job_runs
             WHERE job = $1 AND NOT dry_run AND inputs::jsonb ->> $2 = $3 AND started_at < $4
            """);
        command.Parameters.Add(new() { Value = job });
        command.Parameters.Add(new() { Value = input });
        command.Parameters.Add(new() { Value = value });
        command.Parameters.Add(new() { Value = now });
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

    /// <summary>Live runs started in [from, to) per status.</summary>
    public async Task<IReadOnlyList<KeyCount>> RunsByStatusAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT status, count(*) FROM worker.job_runs
             WHERE NOT dry_run AND started_at >= $1 AND started_at < $2 GROUP BY status ORDER BY status
            """);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        return await ReadAllAsync(command, r => new KeyCount(r.GetString(0), r.GetInt64(1)), cancellationToken);
    }

    /// <summary>Live runs started in [from, to) that failed, timed out, were abandoned or failed their gate, newest first.</summary>
    public async Task<IReadOnlyList<ProblemRun>> ProblemRunsAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT run_id, task_id, job, status, started_at, error FROM worker.job_runs
             WHERE NOT dry_run AND started_at >= $1 AND started_at < $2 AND status = ANY($3)
             ORDER BY started_at DESC LIMIT $4
            """);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        command.Parameters.Add(new() { Value = new[] { RunStatus.Failed, RunStatus.TimedOut, RunStatus.Abandoned, RunStatus.GateFailed } });
        command.Parameters.Add(new() { Value = limit });
        return await ReadAllAsync(command, r => new ProblemRun(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetString(3),
            r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetString(5)), cancellationToken);
    }

    /// <summary>Pauses in force at <paramref name="now"/> (not resumed, not past their end).</summary>
    public async Task<IReadOnlyList<OpenPause>> OpenPausesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT task_id, reason, paused_by, paused_at, until FROM worker.task_pauses
             WHERE resumed_at IS NULL AND paused_at <= $1 AND (until IS NULL OR until > $1) ORDER BY task_id
            """);
        command.Parameters.Add(new() { Value = now });
        return await ReadAllAsync(command, r => new OpenPause(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3),
            r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4)), cancellationToken);
    }

    /// <summary>Operator alert episodes per severity: opened in [from, to), and open (unresolved) at <paramref name="to"/>.</summary>
    public async Task<IReadOnlyList<AlertSeverityCount>> OperatorAlertsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT severity, count(*) FILTER (WHERE opened_at >= $1), count(*) FILTER (WHERE resolved_at IS NULL OR resolved_at >= $2)
              FROM worker.operator_alerts
             WHERE opened_at < $2 AND (opened_at >= $1 OR resolved_at IS NULL OR resolved_at >= $2)
             GROUP BY severity ORDER BY severity
            """);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        return await ReadAllAsync(command, r => new AlertSeverityCount(r.GetString(0), r.GetInt64(1), r.GetInt64(2)), cancellationToken);
    }

    public async Task<long> DatabaseSizeAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_database_size(current_database())");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The biggest tables of the database (with their indexes and TOAST), biggest first.</summary>
    public async Task<IReadOnlyList<TableSize>> BiggestTablesAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT n.nspname || '.' || c.relname, pg_total_relation_size(c.oid)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
             ORDER BY 2 DESC, 1 LIMIT $1
            """);
        command.Parameters.Add(new() { Value = limit });
        return await ReadAllAsync(command, r => new TableSize(r.GetString(0), r.GetInt64(1)), cancellationToken);
    }

    /// <summary>Registry syncs in [from, to) that changed something or were rejected, oldest first.</summary>
    public async Task<IReadOnlyList<RegistryChange>> RegistryChangesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT at, node, accepted, added, changed, removed, errors::text FROM worker.registry_syncs
             WHERE at >= $1 AND at < $2 AND (NOT accepted OR cardinality(added) + cardinality(changed) + cardinality(removed) > 0)
             ORDER BY at, id
            """);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        return await ReadAllAsync(command, r => new RegistryChange(r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.GetBoolean(2),
            r.GetFieldValue<string[]>(3), r.GetFieldValue<string[]>(4), r.GetFieldValue<string[]>(5), r.GetString(6)), cancellationToken);
    }

    /// <summary>Per registry task with any run that did not succeed in [from, to): its live runs, failures and gate verdicts.</summary>
    public async Task<IReadOnlyList<TaskFailures>> FailuresPerTaskAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT coalesce(task_id, '(' || job || ')'), count(*),
                   count(*) FILTER (WHERE status IN ('failed', 'timed_out', 'abandoned')), count(*) FILTER (WHERE status = 'gate_failed')
              FROM worker.job_runs
             WHERE NOT dry_run AND started_at >= $1 AND started_at < $2
             GROUP BY 1
            HAVING count(*) FILTER (WHERE status IN ('failed', 'timed_out', 'abandoned', 'gate_failed')) > 0
             ORDER BY 3 DESC, 4 DESC, 1
            """);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        return await ReadAllAsync(command, r => new TaskFailures(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), cancellationToken);
    }

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(read(reader));
        return rows;
    }
}
