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
/// The table is walked once, physically, with a remembered position (a ctid cursor). Each statement covers a window of
/// heap blocks past the cursor with a TID range scan and deletes the eligible rows there, so nothing behind the cursor is
/// read again (dead tuples left by earlier batches cost nothing) and no index is scanned (an index walk would step over
/// every dead entry until vacuum removes them). Each statement is its own short transaction holding only row locks, so
/// the API keeps inserting meanwhile; rows it adds are newer than any cutoff.
/// </para>
/// <para>
/// Cost, measured (docs/jobs/telemetry.md): deleting a window directly (<c>DELETE … WHERE ctid &gt;= a AND ctid &lt; b AND
/// created_at &lt; cutoff</c>) costs what one unbatched DELETE costs per row, while picking rows first and deleting them
/// by ctid (<c>ctid = ANY (ARRAY(SELECT ctid … LIMIT n))</c>) fetches every row twice and took 1.7× its CPU. So a
/// window is deleted directly, sized from the density of eligible rows seen so far to hold at most what the pass may
/// still delete; if it held more after all, its transaction is rolled back and a smaller window is tried. The last rows
/// of a pass, fewer than a few blocks hold, are picked exactly with the LIMIT statement, so every pass but the last
/// deletes exactly the batch limit (the reference's passes).
/// </para>
/// </summary>
public sealed class TelemetryPurger(NpgsqlDataSource dataSource)
{
    /// <summary>The largest window a statement covers: about 8 MB of heap, a few ms to pass over when nothing in it is eligible.</summary>
    private const int WindowBlocks = 1024;

    /// <summary>What an 8 kB heap block can hold at most (MaxHeapTuplesPerPage): the density assumed before anything was seen.</summary>
    private const double MaxRowsPerBlock = 291;

    /// <summary>A window is sized for this share of the pass's budget, so that a little more density than seen still fits.</summary>
    private const double WindowFill = 0.95;

    /// <summary>Below this many blocks' worth of rows left in a pass, one exact LIMIT statement is cheaper than more windows.</summary>
    private const int SmallestDirectWindow = 16;

    /// <summary>The density assumed after a window without eligible rows: the next window is the largest.</summary>
    private const double MinRowsPerBlock = 1.0 / WindowBlocks;

    private const string DeleteWindowSql = """
        DELETE FROM memory_request_telemetry
         WHERE ctid >= $1 AND ctid < $2 AND created_at < $3 AND ($4::text IS NULL OR tenant_id = $4)
        """;

    private const string DeleteFirstRowsSql = """
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

    /// <summary>A purge in progress: where the walk is, how far the table went when it started, and the density seen.</summary>
    public sealed class PurgeCursor
    {
        private readonly TelemetryPurger _purger;
        private readonly PurgeScope _scope;
        private readonly uint _endBlock;
        private NpgsqlTid _position = new(0, 0);
        private double _eligiblePerBlock = MaxRowsPerBlock;

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
                var started = Stopwatch.GetTimestamp();
                var blocks = (long)Math.Min(WindowBlocks, remaining * WindowFill / _eligiblePerBlock);
                if (blocks >= SmallestDirectWindow)
                {
                    var end = Math.Min(_position.BlockNumber + blocks, _endBlock);
                    var windowEnd = new NpgsqlTid((uint)end, 0);
                    // The window may start inside a block (where the previous pass's exact statement stopped).
                    var (deleted, kept) = await _purger.DeleteWindowAsync(_position, windowEnd, _scope, remaining, cancellationToken);
                    batches.Add(new PurgeBatch(kept ? deleted : 0, Stopwatch.GetElapsedTime(started)));
                    // Denser than seen (rolled back): the next window is sized for what this one held.
                    _eligiblePerBlock = Math.Max(deleted / (double)(end - _position.BlockNumber), MinRowsPerBlock);
                    if (!kept) continue;
                    remaining -= deleted;
                    _position = windowEnd;
                    continue;
                }
                // The pass's last rows, fewer than a few blocks hold: picked exactly.
                var limitEnd = new NpgsqlTid((uint)Math.Min(_position.BlockNumber + WindowBlocks, _endBlock), 0);
                var (count, last) = await _purger.DeleteFirstRowsAsync(_position, limitEnd, _scope, remaining, cancellationToken);
                batches.Add(new PurgeBatch(count, Stopwatch.GetElapsedTime(started)));
                remaining -= count;
                // A window that filled the limit may hold more eligible rows after the last one deleted.
                _position = remaining == 0 && last is { } l ? new NpgsqlTid(l.BlockNumber, (ushort)(l.OffsetNumber + 1)) : limitEnd;
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

    /// <summary>Deletes the window's eligible rows in one transaction, kept only if they are at most <paramref name="most"/>.</summary>
    private async Task<(int Deleted, bool Kept)> DeleteWindowAsync(NpgsqlTid from, NpgsqlTid to, PurgeScope scope, int most, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(DeleteWindowSql, connection, transaction);
        command.Parameters.Add(TidParameter(from));
        command.Parameters.Add(TidParameter(to));
        command.Parameters.Add(new NpgsqlParameter { Value = scope.Cutoff });
        command.Parameters.Add(TenantParameter(scope));
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
        if (deleted > most)
        {
            await transaction.RollbackAsync(cancellationToken);
            return (deleted, false);
        }
        await transaction.CommitAsync(cancellationToken);
        return (deleted, true);
    }

    private async Task<(int Deleted, NpgsqlTid? Last)> DeleteFirstRowsAsync(NpgsqlTid from, NpgsqlTid to, PurgeScope scope, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DeleteFirstRowsSql);
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
