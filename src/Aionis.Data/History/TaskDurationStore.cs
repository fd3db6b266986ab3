using Npgsql;

namespace Aionis.Data.History;

/// <summary>A task's typical run length, from <c>worker.task_status</c> (live runs of the last 7 days).</summary>
public sealed class TaskDurationStore(NpgsqlDataSource dataSource)
{
    /// <summary>The 7-day p95 duration of the task's live runs; null without any.</summary>
    public async Task<TimeSpan?> P95Async(string taskId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT p95_duration_ms_7d FROM worker.task_status WHERE task_id = $1");
        command.Parameters.Add(new() { Value = taskId });
        return await command.ExecuteScalarAsync(cancellationToken) is double ms ? TimeSpan.FromMilliseconds(ms) : null;
    }
}
