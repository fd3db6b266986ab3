using Npgsql;

namespace Aionis.Data.Status;

/// <summary>Reads the view <c>worker.task_status</c> (one row per scheduled task).</summary>
public sealed class TaskStatusStore(NpgsqlDataSource dataSource)
{
    /// <summary>The last live success of every task that is not paused (null: never succeeded).</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset?>> LastSuccessOfUnpausedAsync(CancellationToken cancellationToken) =>
        await TaskTimes.ReadAsync(dataSource, "SELECT task_id, last_success_at FROM worker.task_status WHERE NOT paused", cancellationToken);
}
