using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Aionis.Jobs.Telemetry;

/// <summary>Which telemetry a purge removes: rows older than the cutoff, of one tenant or all.</summary>
public sealed record PurgeScope(DateTimeOffset Cutoff, string? TenantId);

/// <summary>One statement of a pass: rows deleted and how long the transaction took.</summary>
public sealed record PurgeBatch(int Deleted, TimeSpan Elapsed);

/// <summary>
/// Deletes expired request telemetry in bounded batches without slowing down as the table empties.
/// <para>
/// The table is walked once along its primary key, in id ranges, each deleted by one autocommit statement:
/// <c>id &gt;= start AND id &lt; start + n AND created_at &lt; cutoff</c>, where <c>start</c> is the first id at or after the
/// cursor (so gaps in the id sequence cost one index probe, not empty statements) and <c>n</c> is what the pass may still
/// delete — ids are unique, so no statement can delete more than the pass allows, whatever the data looks like. Nothing
/// behind the cursor is read again, so the dead index entries and tuples of earlier batches cost nothing, and the walk
/// does not depend on ids rising with time: it visits every id that existed when it started (rows added later have
/// larger ids and are newer than any cutoff). Each statement holds row locks on its own range only, so the API keeps
/// inserting meanwhile. Measured against one unbatched DELETE, the reference's <c>ORDER BY id LIMIT n</c> hash-join batch
/// and the earlier ctid-window walk, on ids in and out of time order, in docs/jobs/telemetry.md.
/// </para>
/// </summary>
public sealed class TelemetryPurger(NpgsqlDataSource dataSource)
{
    private const string DeleteRangeSql = """
        WITH range_start AS (SELECT min(id) AS id FROM memory_request_telemetry WHERE id >= $1 AND id <= $2),
        deleted AS (
          DELETE FROM memory_request_telemetry
           WHERE id >= (SELECT id FROM range_start) AND id < (SELECT id FROM range_start) + $3 AND id <= $2
             AND created_at < $4 AND ($5::text IS NULL OR tenant_id = $5)
          RETURNING 1)
        SELECT (SELECT id FROM range_start), (SELECT count(*)::int FROM deleted)
        """;

    private const string AnyEligibleSql = """
        SELECT EXISTS (SELECT 1 FROM memory_request_telemetry
                        WHERE id >= $1 AND id <= $2 AND created_at < $3 AND ($4::text IS NULL OR tenant_id = $4))
        """;

    private const string CountEligibleSql = """
        SELECT count(*) FROM memory_request_telemetry WHERE created_at < $1 AND ($2::text IS NULL OR tenant_id = $2)
        """;

    /// <summary>Starts a walk over the ids the table holds now; rows added later are newer than any cutoff.</summary>
    public async Task<PurgeCursor> StartAsync(PurgeScope scope, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT min(id), max(id) FROM memory_request_telemetry");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.IsDBNull(0)
            ? new PurgeCursor(this, scope, first: 1, last: 0)
            : new PurgeCursor(this, scope, reader.GetInt64(0), reader.GetInt64(1));
    }

    public async Task<long> CountEligibleAsync(PurgeScope scope, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(CountEligibleSql);
        command.Parameters.Add(new NpgsqlParameter { Value = scope.Cutoff });
        command.Parameters.Add(TenantParameter(scope));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>A purge in progress: the next id to look at and the last id the table held when the walk started.</summary>
    public sealed class PurgeCursor
    {
        private readonly TelemetryPurger _purger;
        private readonly PurgeScope _scope;
        private readonly long _last;
        private long _next;

        internal PurgeCursor(TelemetryPurger purger, PurgeScope scope, long first, long last)
        {
            _purger = purger;
            _scope = scope;
            _next = first;
            _last = last;
        }

        public bool Finished => _next > _last;

        /// <summary>
        /// Deletes up to <paramref name="limit"/> eligible rows past the cursor, range by range, and advances it.
        /// Fewer than the limit means the walk reached the last id.
        /// </summary>
        public async Task<IReadOnlyList<PurgeBatch>> DeleteAsync(int limit, CancellationToken cancellationToken)
        {
            var batches = new List<PurgeBatch>();
            var remaining = limit;
            while (remaining > 0 && !Finished)
            {
                var started = Stopwatch.GetTimestamp();
                var (start, deleted) = await _purger.DeleteRangeAsync(_next, _last, remaining, _scope, cancellationToken);
                batches.Add(new PurgeBatch(deleted, Stopwatch.GetElapsedTime(started)));
                // The statement covered ids start .. start + remaining - 1; no id at or after the cursor ends the walk.
                _next = start is { } first ? first + remaining : _last + 1;
                remaining -= deleted;
            }
            return batches;
        }

        /// <summary>Whether eligible rows remain past the cursor (after a run stopped at its pass limit).</summary>
        public async Task<bool> AnyEligibleLeftAsync(CancellationToken cancellationToken) =>
            !Finished && await _purger.AnyEligibleFromAsync(_next, _last, _scope, cancellationToken);
    }

    private async Task<bool> AnyEligibleFromAsync(long from, long last, PurgeScope scope, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(AnyEligibleSql);
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = last });
        command.Parameters.Add(new NpgsqlParameter { Value = scope.Cutoff });
        command.Parameters.Add(TenantParameter(scope));
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<(long? Start, int Deleted)> DeleteRangeAsync(long from, long last, int width, PurgeScope scope, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DeleteRangeSql);
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = last });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)width });
        command.Parameters.Add(new NpgsqlParameter { Value = scope.Cutoff });
        command.Parameters.Add(TenantParameter(scope));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.GetInt32(1));
    }

    private static NpgsqlParameter TenantParameter(PurgeScope scope) =>
        new() { Value = (object?)scope.TenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
