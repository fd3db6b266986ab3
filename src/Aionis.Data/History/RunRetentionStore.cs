using System.Text.Json;
using Npgsql;

namespace Aionis.Data.History;

/// <summary>A pruned run and the artifact paths it recorded (so the files can go with it).</summary>
public sealed record PrunedRun(Guid RunId, IReadOnlyList<string> ArtifactPaths);

/// <summary>Prunes <c>worker.job_runs</c> (steps and log lines cascade) in bounded batches, oldest first; running rows stay.</summary>
public sealed class RunRetentionStore(NpgsqlDataSource dataSource)
{
    /// <summary>Finished runs started before the cutoff.</summary>
    public async Task<long> CountOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM worker.job_runs WHERE started_at < $1 AND status <> 'running'");
        command.Parameters.Add(new() { Value = cutoff });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Deletes at most <paramref name="limit"/> of them, oldest first; returns every deleted run.</summary>
    public async Task<IReadOnlyList<PrunedRun>> DeleteOlderThanAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            DELETE FROM worker.job_runs
             WHERE run_id IN (SELECT run_id FROM worker.job_runs
                               WHERE started_at < $1 AND status <> 'running'
                               ORDER BY started_at LIMIT $2)
            RETURNING run_id, artifacts::text
            """);
        command.Parameters.Add(new() { Value = cutoff });
        command.Parameters.Add(new() { Value = limit });
        var pruned = new List<PrunedRun>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var paths = reader.IsDBNull(1)
                ? []
                : JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(1))?.Values.ToList() ?? [];
            pruned.Add(new PrunedRun(reader.GetGuid(0), paths));
        }
        return pruned;
    }
}
