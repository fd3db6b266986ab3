using Npgsql;
using NpgsqlTypes;

namespace Aionis.Data.Pauses;

/// <summary>
/// <c>worker.task_pauses</c> as history: one row per pause, from <c>paused_at</c>/<c>paused_by</c> to
/// <c>resumed_at</c>/<c>resumed_by</c>. A task has at most one open row (resumed_at null); nothing is deleted.
/// </summary>
public sealed class TaskPauseStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Opens a pause. A task already paused gets a new row (new reason or end) and its open one is ended by the same
    /// person at the same moment, so the history shows both.
    /// </summary>
    public async Task PauseAsync(string taskId, string reason, DateTimeOffset? until, string pausedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var end = new NpgsqlBatchCommand("UPDATE worker.task_pauses SET resumed_at = $2, resumed_by = $3 WHERE task_id = $1 AND resumed_at IS NULL");
        end.Parameters.Add(new() { Value = taskId });
        end.Parameters.Add(new() { Value = now });
        end.Parameters.Add(new() { Value = pausedBy });
        var open = new NpgsqlBatchCommand("INSERT INTO worker.task_pauses (task_id, paused_at, paused_by, reason, until) VALUES ($1, $2, $3, $4, $5)");
        open.Parameters.Add(new() { Value = taskId });
        open.Parameters.Add(new() { Value = now });
        open.Parameters.Add(new() { Value = pausedBy });
        open.Parameters.Add(new() { Value = reason });
        open.Parameters.Add(new() { Value = (object?)until ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        batch.BatchCommands.Add(end);
        batch.BatchCommands.Add(open);
        // A batch runs in one implicit transaction: the task is never seen without its open row or with two.
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Ends the task's open pause; false when it had none.</summary>
    public async Task<bool> ResumeAsync(string taskId, string resumedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE worker.task_pauses SET resumed_at = $2, resumed_by = $3 WHERE task_id = $1 AND resumed_at IS NULL");
        command.Parameters.Add(new() { Value = taskId });
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = resumedBy });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Whether the task has an open pause (the row, not Quartz's trigger state, is what an operator asked for).</summary>
    public async Task<bool> IsPausedAsync(string taskId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM worker.task_pauses WHERE task_id = $1 AND resumed_at IS NULL)");
        command.Parameters.Add(new() { Value = taskId });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>Tasks whose open pause has an <c>until</c> that has passed.</summary>
    public async Task<IReadOnlyList<string>> ExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT task_id FROM worker.task_pauses WHERE resumed_at IS NULL AND until IS NOT NULL AND until <= $1");
        command.Parameters.Add(new() { Value = now });
        var expired = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) expired.Add(reader.GetString(0));
        return expired;
    }

    /// <summary>Tasks with an open pause, read on the connection that holds the registry sync lock.</summary>
    public static async Task<IReadOnlySet<string>> PausedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT task_id FROM worker.task_pauses WHERE resumed_at IS NULL", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var paused = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken)) paused.Add(reader.GetString(0));
        return paused;
    }
}
