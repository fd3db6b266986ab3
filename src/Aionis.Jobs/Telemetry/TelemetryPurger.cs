using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Aionis.Jobs.Telemetry;

/// <summary>Which telemetry a purge removes: rows older than the cutoff, of one tenant or all.</summary>
public sealed record PurgeScope(DateTimeOffset Cutoff, string? TenantId);

/// <summary>One transaction of a pass (a window, with the pass's exact last rows when they fit behind it): rows deleted and how long it took.</summary>
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
/// window is deleted directly, sized from the density of eligible rows seen so far to hold 99 % of what the pass may
/// still delete; if it held more after all, its transaction is rolled back and a smaller window is tried, with a
/// margin two points wider from then on. The last rows of a pass, fewer than 64 blocks hold, are picked exactly with
/// the LIMIT statement, so every pass but the last deletes exactly the batch limit (the reference's passes).
/// </para>
/// <para>
/// Round trips: a window opens its transaction in the same round trip as its DELETE, and the pass's exact statement
/// runs in that transaction with the COMMIT behind it, so a typical pass is one transaction in two round trips (it
/// was two transactions in three).
/// </para>
/// <para>
/// The walk keeps one connection and prepares its two statements on it, so its statements, a hundred or more a run, are
/// neither reset by the pool nor parsed and planned again each time. (Not measured apart: the benchmark run that
/// brought it in also brought in the two changes below, and moved within its noise.)
/// </para>
/// </summary>
public sealed class TelemetryPurger(NpgsqlDataSource dataSource)
{
    /// <summary>The largest window a statement covers: about 8 MB of heap, a few ms to pass over when nothing in it is eligible.</summary>
    private const int WindowBlocks = 1024;

    /// <summary>What an 8 kB heap block can hold at most (MaxHeapTuplesPerPage): the density assumed before anything was seen.</summary>
    private const double MaxRowsPerBlock = 291;

    /// <summary>
    /// A window is first sized for this share of the pass's budget: the rest goes to the exact LIMIT statement, which
    /// costs 2.5–3 times a window per row (1,000 rows in 1.8–2.1 ms against 0.7 ms), so the closer to the budget
    /// the cheaper the pass as long as windows are rarely too full. Replayed on the server over the benchmark's 3M rows,
    /// 0.99 against 0.95 took the walk from 1.30 to 1.07 s (ids in time order) and from 1.24 to 1.00 s (not in time
    /// order, one rollback).
    /// </summary>
    private const double FirstWindowFill = 0.99;

    /// <summary>Each rolled-back window lowers the share by this much, down to <see cref="LowestWindowFill"/>: a table whose density varies more gets more margin.</summary>
    private const double FillStep = 0.02;

    /// <summary>The widest margin: a window sized for 90 % of the budget.</summary>
    private const double LowestWindowFill = 0.9;

    /// <summary>
    /// Below this many blocks' worth of rows left in a pass, the exact LIMIT statement takes them instead of another
    /// window: at 16 blocks most passes took a third statement for their last thousand rows (a statement and a commit
    /// more a pass), at 64 a pass is a window and the exact statement.
    /// </summary>
    private const int SmallestDirectWindow = 64;

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
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(
                "SELECT (pg_relation_size('memory_request_telemetry'::regclass) / current_setting('block_size')::int)::bigint", connection);
            var blocks = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            return new PurgeCursor(connection, scope, (uint)blocks);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<long> CountEligibleAsync(PurgeScope scope, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(CountEligibleSql);
        command.Parameters.Add(new NpgsqlParameter { Value = scope.Cutoff });
        command.Parameters.Add(TenantParameter(scope));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>A purge in progress: its connection, where the walk is, how far the table went when it started, and the density seen.</summary>
    public sealed class PurgeCursor : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly PurgeScope _scope;
        private readonly uint _endBlock;
        private NpgsqlTid _position = new(0, 0);
        private double _eligiblePerBlock = MaxRowsPerBlock;
        private double _windowFill = FirstWindowFill;

        internal PurgeCursor(NpgsqlConnection connection, PurgeScope scope, uint endBlock)
        {
            _connection = connection;
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
                if (DirectWindowBlocks(remaining) is not { } blocks)
                {
                    // The pass's last rows, fewer than a few blocks hold: picked exactly.
                    var alone = await DeleteFirstRowsAsync(remaining, commitWindow: false, cancellationToken);
                    batches.Add(new PurgeBatch(alone, Stopwatch.GetElapsedTime(started)));
                    remaining -= alone;
                    continue;
                }
                var from = _position;
                var end = Math.Min(from.BlockNumber + blocks, _endBlock);
                var windowEnd = new NpgsqlTid((uint)end, 0);
                // The window may start inside a block (where the previous pass's exact statement stopped).
                var deleted = await DeleteWindowAsync(from, windowEnd, cancellationToken);
                // Denser than seen (rolled back below): the next window is sized for what this one held, with more margin.
                _eligiblePerBlock = Math.Max(deleted / (double)(end - from.BlockNumber), MinRowsPerBlock);
                if (deleted > remaining)
                {
                    await ExecuteAsync("ROLLBACK", cancellationToken);
                    batches.Add(new PurgeBatch(0, Stopwatch.GetElapsedTime(started)));
                    _windowFill = Math.Max(LowestWindowFill, _windowFill - FillStep);
                    continue;
                }
                remaining -= deleted;
                _position = windowEnd;
                if (remaining > 0 && !Finished && DirectWindowBlocks(remaining) is null)
                {
                    // The pass's last rows go in the window's transaction, the statement and the COMMIT in one round trip.
                    var exact = await DeleteFirstRowsAsync(remaining, commitWindow: true, cancellationToken);
                    deleted += exact;
                    remaining -= exact;
                }
                else
                {
                    await ExecuteAsync("COMMIT", cancellationToken);
                }
                batches.Add(new PurgeBatch(deleted, Stopwatch.GetElapsedTime(started)));
            }
            return batches;
        }

        /// <summary>Whether eligible rows remain past the cursor (after a run stopped at its pass limit).</summary>
        public async Task<bool> AnyEligibleLeftAsync(CancellationToken cancellationToken)
        {
            if (Finished) return false;
            await using var command = new NpgsqlCommand(AnyEligibleSql, _connection);
            command.Parameters.Add(TidParameter(_position));
            command.Parameters.Add(new NpgsqlParameter { Value = _scope.Cutoff });
            command.Parameters.Add(TenantParameter(_scope));
            return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();

        /// <summary>The blocks of the next direct window for this many rows, or none when so few are left that the exact statement takes them.</summary>
        private long? DirectWindowBlocks(int rows)
        {
            var blocks = (long)Math.Min(WindowBlocks, rows * _windowFill / _eligiblePerBlock);
            return blocks >= SmallestDirectWindow ? blocks : null;
        }

        /// <summary>Opens a transaction and deletes the window's eligible rows in it (one round trip); the caller commits or rolls back.</summary>
        private async Task<int> DeleteWindowAsync(NpgsqlTid from, NpgsqlTid to, CancellationToken cancellationToken)
        {
            await using var batch = new NpgsqlBatch(_connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            var delete = new NpgsqlBatchCommand(DeleteWindowSql);
            delete.Parameters.Add(TidParameter(from));
            delete.Parameters.Add(TidParameter(to));
            delete.Parameters.Add(new NpgsqlParameter { Value = _scope.Cutoff });
            delete.Parameters.Add(TenantParameter(_scope));
            batch.BatchCommands.Add(delete);
            await batch.PrepareAsync(cancellationToken);
            await batch.ExecuteNonQueryAsync(cancellationToken);
            return delete.RecordsAffected;
        }

        /// <summary>
        /// Deletes the first <paramref name="limit"/> eligible rows past the cursor and moves the cursor after the last
        /// of them, or to the end of the statement's range if it found fewer. With <paramref name="commitWindow"/> it runs
        /// in the open window's transaction and the same round trip commits both; else it is a transaction of its own.
        /// </summary>
        private async Task<int> DeleteFirstRowsAsync(int limit, bool commitWindow, CancellationToken cancellationToken)
        {
            var limitEnd = new NpgsqlTid((uint)Math.Min(_position.BlockNumber + WindowBlocks, _endBlock), 0);
            await using var batch = new NpgsqlBatch(_connection);
            var delete = new NpgsqlBatchCommand(DeleteFirstRowsSql);
            delete.Parameters.Add(TidParameter(_position));
            delete.Parameters.Add(TidParameter(limitEnd));
            delete.Parameters.Add(new NpgsqlParameter { Value = _scope.Cutoff });
            delete.Parameters.Add(TenantParameter(_scope));
            delete.Parameters.Add(new NpgsqlParameter { Value = limit });
            batch.BatchCommands.Add(delete);
            if (commitWindow) batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await batch.PrepareAsync(cancellationToken);
            int count;
            NpgsqlTid? last;
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                count = reader.GetInt32(0);
                last = reader.IsDBNull(1) ? null : reader.GetFieldValue<NpgsqlTid>(1);
            }
            // A range that filled the limit may hold more eligible rows after the last one deleted.
            _position = count == limit && last is { } l ? new NpgsqlTid(l.BlockNumber, (ushort)(l.OffsetNumber + 1)) : limitEnd;
            return count;
        }

        private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand(sql, _connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static NpgsqlParameter TidParameter(NpgsqlTid tid) => new() { Value = tid, NpgsqlDbType = NpgsqlDbType.Tid };

    private static NpgsqlParameter TenantParameter(PurgeScope scope) =>
        new() { Value = (object?)scope.TenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}
