using Npgsql;

namespace Aionis.Data.History;

/// <summary>What <c>after:</c> asks of <c>worker.job_runs</c>: did the upstream task's live run end with a status lately.</summary>
public sealed class UpstreamRunStore(NpgsqlDataSource dataSource)
{
    /// <summary>The newest live run of <paramref name="taskId"/> that ended with <paramref name="status"/> at or after <paramref name="since"/>.</summary>
    public async Task<Guid?> LastEndedAsync(string taskId, string status, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT run_id FROM worker.job_runs
             WHERE task_id = $1 AND status = $2 AND NOT dry_run AND finished_at >= $3
             ORDER BY finished_at DESC LIMIT 1
            """);
        command.Parameters.Add(new() { Value = taskId });
        command.Parameters.Add(new() { Value = status });
        command.Parameters.Add(new() { Value = since });
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
    }
}
