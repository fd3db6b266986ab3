using Aionis.Data.Model;
using Npgsql;
using NpgsqlTypes;

namespace Aionis.Data.History;

/// <summary>
/// Writes and reads <c>worker.job_runs</c>, <c>worker.job_run_steps</c> and <c>worker.job_run_logs</c> with plain SQL
/// (the hot path of every run).
/// </summary>
public sealed class RunHistoryStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Every column of <c>worker.job_runs</c> once: its name, its parameter type (jsonb columns are sent as text and cast),
    /// how it is read from a <see cref="JobRun"/> and how it is set back from a row. The column list, the parameters of
    /// the inserts and the reader all come from this table, so they cannot disagree.
    /// </summary>
    private static readonly RunColumn[] RunColumns =
    [
        new("run_id", NpgsqlDbType.Uuid, r => r.RunId, (r, row, i) => r.RunId = row.GetGuid(i)),
        new("task_id", NpgsqlDbType.Text, r => r.TaskId, (r, row, i) => r.TaskId = Text(row, i)),
        new("job", NpgsqlDbType.Text, r => r.Job, (r, row, i) => r.Job = row.GetString(i)),
        new("trigger", NpgsqlDbType.Text, r => r.Trigger, (r, row, i) => r.Trigger = row.GetString(i)),
        new("dry_run", NpgsqlDbType.Boolean, r => r.DryRun, (r, row, i) => r.DryRun = row.GetBoolean(i)),
        new("status", NpgsqlDbType.Text, r => r.Status, (r, row, i) => r.Status = row.GetString(i)),
        new("ok", NpgsqlDbType.Boolean, r => r.Ok, (r, row, i) => r.Ok = row.IsDBNull(i) ? null : row.GetBoolean(i)),
        new("exit_code", NpgsqlDbType.Integer, r => r.ExitCode, (r, row, i) => r.ExitCode = row.IsDBNull(i) ? null : row.GetInt32(i)),
        new("scheduled_for", NpgsqlDbType.TimestampTz, r => r.ScheduledFor, (r, row, i) => r.ScheduledFor = Time(row, i)),
        new("started_at", NpgsqlDbType.TimestampTz, r => r.StartedAt, (r, row, i) => r.StartedAt = row.GetFieldValue<DateTimeOffset>(i)),
        new("finished_at", NpgsqlDbType.TimestampTz, r => r.FinishedAt, (r, row, i) => r.FinishedAt = Time(row, i)),
        new("duration_ms", NpgsqlDbType.Bigint, r => r.DurationMs, (r, row, i) => r.DurationMs = row.IsDBNull(i) ? null : row.GetInt64(i)),
        new("node", NpgsqlDbType.Text, r => r.Node, (r, row, i) => r.Node = row.GetString(i)),
        new("attempt", NpgsqlDbType.Integer, r => r.Attempt, (r, row, i) => r.Attempt = row.GetInt32(i)),
        new("fire_instance_id", NpgsqlDbType.Text, r => r.FireInstanceId, (r, row, i) => r.FireInstanceId = Text(row, i)),
        new("tenant_id", NpgsqlDbType.Text, r => r.TenantId, (r, row, i) => r.TenantId = Text(row, i)),
        new("inputs", NpgsqlDbType.Text, r => r.Inputs, (r, row, i) => r.Inputs = Text(row, i) ?? "{}", Jsonb: true),
        new("summary", NpgsqlDbType.Text, r => r.Summary, (r, row, i) => r.Summary = Text(row, i), Jsonb: true),
        new("planned_actions", NpgsqlDbType.Text, r => r.PlannedActions, (r, row, i) => r.PlannedActions = Text(row, i), Jsonb: true),
        new("error", NpgsqlDbType.Text, r => r.Error, (r, row, i) => r.Error = Text(row, i)),
        new("artifacts", NpgsqlDbType.Text, r => r.Artifacts, (r, row, i) => r.Artifacts = Text(row, i), Jsonb: true),
        new("trace_id", NpgsqlDbType.Text, r => r.TraceId, (r, row, i) => r.TraceId = Text(row, i)),
        new("registry_hash", NpgsqlDbType.Text, r => r.RegistryHash, (r, row, i) => r.RegistryHash = Text(row, i)),
        new("triggered_by", NpgsqlDbType.Text, r => r.TriggeredBy, (r, row, i) => r.TriggeredBy = Text(row, i)),
    ];

    private static readonly string Columns = string.Join(", ", RunColumns.Select(c => c.Name));

    private static readonly string Parameters = string.Join(", ", RunColumns.Select((c, i) => c.Jsonb ? $"${i + 1}::jsonb" : $"${i + 1}"));

    /// <summary>The row a run gets before its job starts (<c>status = running</c>).</summary>
    public async Task StartAsync(JobRun run, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"INSERT INTO worker.job_runs ({Columns}) VALUES ({Parameters})");
        Bind(command, run);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Finishes a run in one statement. An upsert, so a record replayed from the spool lands whether or not its start row did.
    /// </summary>
    public async Task FinishAsync(JobRun run, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO worker.job_runs ({Columns}) VALUES ({Parameters})
            ON CONFLICT (run_id) DO UPDATE SET
              status = excluded.status, ok = excluded.ok, exit_code = excluded.exit_code,
              finished_at = excluded.finished_at, duration_ms = excluded.duration_ms,
              summary = excluded.summary, planned_actions = excluded.planned_actions,
              error = excluded.error, artifacts = excluded.artifacts, tenant_id = excluded.tenant_id
            """);
        Bind(command, run);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A finished run with its steps and log lines (the runner's last write, and the spool's replay).</summary>
    public async Task WriteFinishedAsync(JobRun run, CancellationToken cancellationToken = default)
    {
        await FinishAsync(run, cancellationToken);
        foreach (var step in run.Steps)
        {
            await AddStepAsync(step, cancellationToken);
        }
        await AddLogsAsync(run.RunId, run.Logs, cancellationToken);
    }

    public async Task AddStepAsync(JobRunStep step, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO worker.job_run_steps (run_id, seq, name, status, started_at, finished_at, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (run_id, seq) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at, detail = excluded.detail
            """);
        command.Parameters.Add(new() { Value = step.RunId });
        command.Parameters.Add(new() { Value = step.Seq });
        command.Parameters.Add(new() { Value = step.Name });
        command.Parameters.Add(new() { Value = step.Status });
        command.Parameters.Add(new() { Value = step.StartedAt });
        command.Parameters.Add(new() { Value = (object?)step.FinishedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = step.Detail, NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Appends log lines of a run (after its row exists). Idempotent: a line already written (same seq) is kept, so a
    /// spooled record can be replayed.
    /// </summary>
    public async Task AddLogsAsync(Guid runId, IReadOnlyList<RunLogLine> lines, CancellationToken cancellationToken = default)
    {
        if (lines.Count == 0) return;
        await using var command = dataSource.CreateCommand("""
            INSERT INTO worker.job_run_logs (run_id, seq, logged_at, level, message)
            SELECT $1, l.seq, l.logged_at, l.level, l.message
              FROM unnest($2::integer[], $3::timestamptz[], $4::text[], $5::text[]) AS l (seq, logged_at, level, message)
            ON CONFLICT (run_id, seq) DO NOTHING
            """);
        command.Parameters.Add(new() { Value = runId });
        command.Parameters.Add(new() { Value = lines.Select(l => l.Seq).ToArray() });
        command.Parameters.Add(new() { Value = lines.Select(l => l.LoggedAt).ToArray() });
        command.Parameters.Add(new() { Value = lines.Select(l => l.Level).ToArray() });
        command.Parameters.Add(new() { Value = lines.Select(l => l.Message).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A run's stored log lines in order.</summary>
    public async Task<IReadOnlyList<RunLogLine>> LogsAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT seq, logged_at, level, message FROM worker.job_run_logs WHERE run_id = $1 ORDER BY seq");
        command.Parameters.Add(new() { Value = runId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = new List<RunLogLine>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new RunLogLine(reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3)));
        }
        return lines;
    }

    /// <summary>Rows still <c>running</c> on a node (at start-up: candidates for <c>abandoned</c>).</summary>
    public async Task<IReadOnlyList<JobRun>> RunningOnNodeAsync(string node, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM worker.job_runs WHERE status = 'running' AND node = $1");
        command.Parameters.Add(new() { Value = node });
        return await ReadRunsAsync(command, cancellationToken);
    }

    /// <summary>Marks runs whose process is known to be gone as <c>abandoned</c>, saying why.</summary>
    public async Task<int> AbandonAsync(IReadOnlyCollection<Guid> runIds, string reason, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (runIds.Count == 0) return 0;
        await using var command = dataSource.CreateCommand("""
            UPDATE worker.job_runs
               SET status = 'abandoned', finished_at = $2,
                   duration_ms = (extract(epoch FROM $2 - started_at) * 1000)::bigint,
                   error = coalesce(error, $3)
             WHERE status = 'running' AND run_id = ANY($1)
            """);
        command.Parameters.Add(new() { Value = runIds.ToArray() });
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = reason });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Rows of cluster nodes that stopped checking in with Quartz (no scheduler-state row newer than the grace).</summary>
    public async Task<IReadOnlyList<JobRun>> AbandonRunningOfSilentNodesAsync(string schedulerName, TimeSpan grace, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE worker.job_runs r
               SET status = 'abandoned', finished_at = $3,
                   duration_ms = (extract(epoch FROM $3 - r.started_at) * 1000)::bigint,
                   error = coalesce(r.error, 'node ' || r.node || ' stopped checking in before the run finished')
             WHERE r.status = 'running'
               AND coalesce(r.fire_instance_id, '') NOT LIKE 'cli:%'
               AND r.started_at < $3 - $2
               AND NOT EXISTS (
                   SELECT 1 FROM worker.qrtz_scheduler_state s
                    WHERE s.sched_name = $1
                      AND s.instance_name = r.node
                      AND to_timestamp(s.last_checkin_time / 1e7 - 62135596800) > $3 - $2)
            RETURNING {Columns}
            """);
        command.Parameters.Add(new() { Value = schedulerName });
        command.Parameters.Add(new() { Value = grace });
        command.Parameters.Add(new() { Value = now });
        return await ReadRunsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<JobRun>> ListAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM worker.job_runs
             WHERE ($1::text IS NULL OR task_id = $1)
               AND ($2::text IS NULL OR status = $2)
               AND ($3::timestamptz IS NULL OR started_at >= $3)
               AND ($4::text IS NULL OR job = $4)
             ORDER BY started_at DESC
             LIMIT $5
            """);
        command.Parameters.Add(new() { Value = (object?)query.TaskId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.Status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.Since ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)query.Job ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = query.Limit });
        return await ReadRunsAsync(command, cancellationToken);
    }

    /// <summary>Whether the task is in the schedule or has runs on record (a task removed from the registry keeps its history).</summary>
    public async Task<bool> TaskKnownAsync(string taskId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT EXISTS (SELECT 1 FROM worker.task_status WHERE task_id = $1)
                OR EXISTS (SELECT 1 FROM worker.job_runs WHERE task_id = $1)
            """);
        command.Parameters.Add(new() { Value = taskId });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<JobRun?> GetAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM worker.job_runs WHERE run_id = $1");
        command.Parameters.Add(new() { Value = runId });
        var run = (await ReadRunsAsync(command, cancellationToken)).SingleOrDefault();
        if (run is null) return null;

        await using var steps = dataSource.CreateCommand(
            "SELECT seq, name, status, started_at, finished_at, detail::text FROM worker.job_run_steps WHERE run_id = $1 ORDER BY seq");
        steps.Parameters.Add(new() { Value = runId });
        await using var reader = await steps.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            run.Steps.Add(new JobRunStep
            {
                RunId = runId,
                Seq = reader.GetInt32(0),
                Name = reader.GetString(1),
                Status = reader.GetString(2),
                StartedAt = reader.GetFieldValue<DateTimeOffset>(3),
                FinishedAt = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                Detail = reader.GetString(5),
            });
        }
        return run;
    }

    private static void Bind(NpgsqlCommand command, JobRun run)
    {
        foreach (var column in RunColumns)
        {
            command.Parameters.Add(new() { Value = column.Get(run) ?? DBNull.Value, NpgsqlDbType = column.Type });
        }
    }

    private static async Task<IReadOnlyList<JobRun>> ReadRunsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var runs = new List<JobRun>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var run = new JobRun { Job = "", Trigger = "", Status = "", Node = "" };
            for (var i = 0; i < RunColumns.Length; i++) RunColumns[i].Set(run, reader, i);
            runs.Add(run);
        }
        return runs;
    }

    private static string? Text(NpgsqlDataReader row, int i) => row.IsDBNull(i) ? null : row.GetValue(i).ToString();

    private static DateTimeOffset? Time(NpgsqlDataReader row, int i) => row.IsDBNull(i) ? null : row.GetFieldValue<DateTimeOffset>(i);

    private sealed record RunColumn(string Name, NpgsqlDbType Type, Func<JobRun, object?> Get, Action<JobRun, NpgsqlDataReader, int> Set, bool Jsonb = false);
}

/// <summary>Filters of <c>aionis history</c>.</summary>
public sealed record RunQuery(string? TaskId = null, string? Status = null, DateTimeOffset? Since = null, string? Job = null, int Limit = 50);
