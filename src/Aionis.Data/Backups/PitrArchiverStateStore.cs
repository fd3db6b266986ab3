using Npgsql;

namespace Aionis.Data.Backups;

/// <summary>pg_stat_archiver's counters as the last pitr-archive-check of a stanza saw them.</summary>
public sealed record PitrArchiverState(string Stanza, DateTimeOffset CheckedAt, long ArchivedCount, long FailedCount, DateTimeOffset? StatsReset);

/// <summary><c>worker.pitr_archiver_state</c>: one row per stanza, replaced by every (non-dry) check.</summary>
public sealed class PitrArchiverStateStore(NpgsqlDataSource dataSource)
{
    public async Task<PitrArchiverState?> GetAsync(string stanza, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT checked_at, archived_count, failed_count, stats_reset FROM worker.pitr_archiver_state WHERE stanza = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = stanza });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new PitrArchiverState(stanza, reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt64(1), reader.GetInt64(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3));
    }

    public async Task SaveAsync(PitrArchiverState state, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO worker.pitr_archiver_state (stanza, checked_at, archived_count, failed_count, stats_reset)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (stanza) DO UPDATE SET checked_at = excluded.checked_at, archived_count = excluded.archived_count,
                failed_count = excluded.failed_count, stats_reset = excluded.stats_reset
            """);
        foreach (var value in new object?[] { state.Stanza, state.CheckedAt, state.ArchivedCount, state.FailedCount, state.StatsReset })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
