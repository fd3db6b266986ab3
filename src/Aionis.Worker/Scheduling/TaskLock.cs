using Npgsql;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// A cluster-wide "this task is running" flag: a PostgreSQL session advisory lock held on a dedicated connection for the
/// length of the run. Used by <c>overlap: skip</c>; it is released when the run ends or the holding process dies.
/// </summary>
public sealed class TaskLock(NpgsqlDataSource dataSource)
{
    /// <summary>The held lock, or null when the task is already running somewhere in the cluster.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(string taskId, CancellationToken cancellationToken) =>
        await AdvisoryLease.TryTakeAsync(dataSource, [$"aionis.task:{taskId}"], cancellationToken);
}
