using Npgsql;

namespace Aionis.Data.Reports;

/// <summary>One UTC day of a registry task's live runs: how many succeeded, how many finished (any end but skipped or cancelled).</summary>
public sealed record TaskDay(DateOnly Day, long Succeeded, long Finished);

/// <summary>The run history an SLO report measures a registry task by.</summary>
public sealed class SloHistory(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<TaskDay>> TaskDailyAsync(string taskId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT (started_at AT TIME ZONE 'UTC')::date, count(*) FILTER (WHERE status = 'succeeded'), count(*)
              FROM worker.job_runs
             WHERE task_id = $1 AND NOT dry_run AND started_at >= $2 AND started_at < $3
               AND status IN ('succeeded', 'failed', 'timed_out', 'abandoned', 'gate_failed')
             GROUP BY 1 ORDER BY 1
            """);
        command.Parameters.Add(new() { Value = taskId });
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<TaskDay>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(new TaskDay(DateOnly.FromDateTime(reader.GetDateTime(0)), reader.GetInt64(1), reader.GetInt64(2)));
        return rows;
    }
}
