using Npgsql;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// A cluster-wide "this task is running" flag: a PostgreSQL session advisory lock held on a dedicated connection for the
/// length of the run. Used by <c>overlap: skip</c>; it is released when the run ends or the holding process dies.
/// </summary>
public sealed class TaskLock(NpgsqlDataSource dataSource)
{
    /// <summary>The held lock, or null when the task is already running somewhere in the cluster.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(string taskId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('aionis.task:' || $1, 0))", connection);
        command.Parameters.Add(new() { Value = taskId });
        if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
        {
            return new Held(connection, taskId);
        }
        await connection.DisposeAsync();
        return null;
    }

    private sealed class Held(NpgsqlConnection connection, string taskId) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended('aionis.task:' || $1, 0))", connection);
                command.Parameters.Add(new() { Value = taskId });
                await command.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException)
            {
                // The connection is gone, and with it the lock.
            }
            await connection.DisposeAsync();
        }
    }
}
