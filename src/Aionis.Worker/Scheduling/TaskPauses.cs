using Aionis.Worker.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// Persisted pauses: a <c>worker.task_pauses</c> row plus Quartz's own pause of the task's triggers. A pause with
/// <c>until</c> is lifted by the worker's maintenance loop (maintenance windows).
/// </summary>
public sealed class TaskPauses(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task PauseAsync(IScheduler scheduler, string taskId, string reason, DateTimeOffset? until, string pausedBy, CancellationToken cancellationToken)
    {
        if (!await scheduler.Exists(ScheduleKeys.Job(taskId), cancellationToken))
        {
            throw new InvalidOperationException($"task '{taskId}' is not in the persisted schedule");
        }
        await using var command = dataSource.CreateCommand("""
            INSERT INTO worker.task_pauses (task_id, paused_at, paused_by, reason, until) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (task_id) DO UPDATE SET paused_at = excluded.paused_at, paused_by = excluded.paused_by,
                                                reason = excluded.reason, until = excluded.until
            """);
        command.Parameters.Add(new() { Value = taskId });
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        command.Parameters.Add(new() { Value = pausedBy });
        command.Parameters.Add(new() { Value = reason });
        command.Parameters.Add(new() { Value = (object?)until ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken);
        await scheduler.PauseJob(ScheduleKeys.Job(taskId), cancellationToken);
    }

    /// <returns>False when the task was not paused.</returns>
    public async Task<bool> ResumeAsync(IScheduler scheduler, string taskId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM worker.task_pauses WHERE task_id = $1");
        command.Parameters.Add(new() { Value = taskId });
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
        if (await scheduler.Exists(ScheduleKeys.Job(taskId), cancellationToken))
        {
            await scheduler.ResumeJob(ScheduleKeys.Job(taskId), cancellationToken);
        }
        return deleted > 0;
    }

    /// <summary>Lifts pauses whose <c>until</c> has passed; returns the resumed task ids.</summary>
    public async Task<IReadOnlyList<string>> ResumeExpiredAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT task_id FROM worker.task_pauses WHERE until IS NOT NULL AND until <= $1");
        command.Parameters.Add(new() { Value = clock.GetUtcNow() });
        var expired = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) expired.Add(reader.GetString(0));
        }
        foreach (var taskId in expired)
        {
            await ResumeAsync(scheduler, taskId, cancellationToken);
        }
        return expired;
    }
}
