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
/// The table is walked once, physically, with a remembered position (a ctid cursor) and bounded block windows: each
/// statement reads at most <see cref="WindowBlocks"/> heap blocks past the cursor with a TID range scan, picks the
/// eligible rows there and deletes them by ctid. Nothing behind the cursor is read again, so dead tuples left by earlier
/// batches cost nothing, and no index is scanned (an index walk would step over every dead entry of the rows already
/// deleted until vacuum removes them). Each statement is its own short autocommit transaction holding only row locks,
/// so the API keeps inserting meanwhile; rows it adds are newer than any cutoff. Measured against the reference's
/// <c>ORDER BY id LIMIT n</c> hash-join batch and an id-cursor walk in docs/jobs/telemetry.md.
/// </para>
/// </summary>
public sealed class TelemetryPurger(NpgsqlDataSource dataSource)
{
    /// <summary>About 8 MB of heap per statement: a window without eligible rows costs a few ms to pass over.</summary>
    public const int WindowBlocks = 1024;

    private const string DeleteBatchSql = """
        WITH deleted AS (
          DELETE FROM memory_request_telemetry
           WHERE ctid = ANY (ARRAY(
                 SELECT ctid FROM memory_request_telemetry
                  WHERE ctid >= $1 AND ctid < $2 AND created_at < $3 AND ($4::text IS NULL OR tenant_id = $4)
                  LIMIT $5))
          RETURNING ctid)
        SELECT count(*)::int, max(ctid) FROM deleted
        """;

    private const string AnyEligibleSql = """
        SELECT EXISTS (SELECT 1 FROM memory_request_telemetry
                        WHERE ctid >= $1 AND created_at < $2 AND ($3::text IS NULL OR tenant_id = $3))
        """;

    private const string CountEligibleSql = """
        SELECT count(*) FROM memory_request_telemetry WHERE created_at < $1 AND ($2::text IS NULL OR tenant_id = $2)
        """;

    /// <summary>Starts a walk over the table as it is now; blocks added later only hold rows newer than any cutoff.</summary>
    public async Task<PurgeCursor> StartAsync(PurgeScope scope, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT (pg_relation_size('memory_request_telemetry'::regclass) / current_setting('block_size')::int)::bigint");
        var blocks = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new PurgeCursor(this, scope, (uint)blocks);
    }

    public async Task<long> CountEligibleAsync(PurgeScope scope, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(CountEligibleSql);
        command.Parameters.Add(new NpgsqlParameter { Value = scope.Cutoff });
        command.Parameters.Add(TenantParameter(scope));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>A purge in progress: where the walk is and how far the table went when it started.</summary>
    public sealed class PurgeCursor
    {
        private readonly TelemetryPurger _purger;
        private readonly PurgeScope _scope;
        private readonly uint _endBlock;
        private NpgsqlTid _position = new(0, 0);

        internal PurgeCursor(TelemetryPurger purger, PurgeScope scope, uint endBlock)
        {
            _purger = purger;
            _scope = scope;
            _endBlock = endBlock;
        }

        public bool Finished => _position.BlockNumber >= _endBlock;

        /// <summary>
        /// Deletes up to <paramref name="limit"/> eligible rows past the cursor, window by window, and advances it.
        /// Fewer than the limit means the walk reached the end of the table.
        /// </summary>
        public async Task<IReadOnlyList<PurgeBatch>> DeleteAsync(int limit, CancellationToken cancellationToken)
        {
            var batches = new List<PurgeBatch>();
            var remaining = limit;
            while (remaining > 0 && !Finished)
            {
                var windowEnd = new NpgsqlTid((uint)Math.Min((long)_position.BlockNumber + WindowBlocks, _endBlock), 0);
                var started = Stopwatch.GetTimestamp();
                var (deleted, last) = await _purger.DeleteWindowAsync(_position, windowEnd, _scope, remaining, cancellationToken);
                batches.Add(new PurgeBatch(deleted, Stopwatch.GetElapsedTime(started)));
                remaining -= deleted;
                // A window that filled the limit may hold more eligible rows after the last one deleted.
                _position = remaining == 0 && last is { } l ? new NpgsqlTid(l.BlockNumber, (ushort)(l.OffsetNumber + 1)) : windowEnd;
            }
            return batches;
        }

        /// <summary>Whether eligible rows remain past the cursor (after a run stopped at its pass limit).</summary>
        public async Task<bool> AnyEligibleLeftAsync(CancellationToken cancellationToken)
        {
            return !Finished && await _purger.AnyEligibleFromAsync(_position, _scope, cancellationToken);
        }
    }

    private async Task<bool> AnyEligibleFromAsync(NpgsqlTid from, PurgeScope scope, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(AnyEligibleSql);
        command.Parameters.Add(TidParameter(from));
        command.Parameters.Add(new NpgsqlParameter { Value = scope.Cutoff });
        command.Parameters.Add(TenantParameter(scope));
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<(int Deleted, NpgsqlTid? Last)> DeleteWindowAsync(NpgsqlTid from, NpgsqlTid to, PurgeScope scope, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DeleteBatchSql);
        command.Parameters.Add(TidParameter(from));
        command.Parameters.Add(TidParameter(to));
        command.Parameters.Add(new NpgsqlParameter { Value = scope.Cutoff });
        command.Parameters.Add(TenantParameter(scope));
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<NpgsqlTid>(1));
    }

    private static NpgsqlParameter TidParameter(NpgsqlTid tid) => new() { Value = tid, NpgsqlDbType = NpgsqlDbType.Tid };

    private static NpgsqlParameter TenantParameter(PurgeScope scope) =>
        new() { Value = (object?)scope.TenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
