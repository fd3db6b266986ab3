using Npgsql;

namespace Aionis.Data.Controls;

/// <summary>
/// <c>worker.nodes</c>: one row per node name, written by the node itself at start, on every check-in and at a clean
/// stop. Quartz forgets a dead node's check-in row once another node recovered it; this row stays, so
/// <c>aionis status</c> can say which node died and when it was last seen.
/// </summary>
public sealed class NodeStore(NpgsqlDataSource dataSource)
{
    public async Task AnnounceAsync(string node, string host, int pid, string version, TimeSpan checkinInterval, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO worker.nodes (node, host, pid, version, started_at, last_seen_at, checkin_interval_ms, stopped_at)
            VALUES ($1, $2, $3, $4, $5, $5, $6, NULL)
            ON CONFLICT (node) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid, version = EXCLUDED.version,
                started_at = EXCLUDED.started_at, last_seen_at = EXCLUDED.last_seen_at,
                checkin_interval_ms = EXCLUDED.checkin_interval_ms, stopped_at = NULL
            """);
        command.Parameters.Add(new() { Value = node });
        command.Parameters.Add(new() { Value = host });
        command.Parameters.Add(new() { Value = pid });
        command.Parameters.Add(new() { Value = version });
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = (long)checkinInterval.TotalMilliseconds });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A check-in; only this process' row (a node started twice under one name is told by its pid).</summary>
    public Task CheckInAsync(string node, int pid, DateTimeOffset now, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE worker.nodes SET last_seen_at = $3 WHERE node = $1 AND pid = $2", node, pid, now, cancellationToken);

    public Task StoppedAsync(string node, int pid, DateTimeOffset now, CancellationToken cancellationToken) =>
        UpdateAsync("UPDATE worker.nodes SET last_seen_at = $3, stopped_at = $3 WHERE node = $1 AND pid = $2", node, pid, now, cancellationToken);

    private async Task UpdateAsync(string sql, string node, int pid, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new() { Value = node });
        command.Parameters.Add(new() { Value = pid });
        command.Parameters.Add(new() { Value = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
