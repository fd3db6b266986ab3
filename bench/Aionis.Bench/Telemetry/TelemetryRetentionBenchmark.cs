using System.Diagnostics;
using Aionis.Jobs.Framework;
using Npgsql;
using NpgsqlTypes;

namespace Aionis.Bench.Telemetry;

/// <summary>
/// Retention of about 1.4M eligible rows out of 3M, on identical copies of one database, twice: ids rising with time, and
/// each row at a random time (ids and physical order say nothing about age). Competitors on the same data: one unbatched
/// DELETE (the throughput baseline), the reference's batch statement (first batches, projected), id-range batches with a
/// commit after each, TID-range windows of 68 blocks deleted directly (a window that cannot exceed the batch), and the
/// job (direct windows sized by the density seen, rolled back if too full, an exact LIMIT for each pass's last rows)
/// while another connection keeps inserting telemetry, timed after a first run of it on a copy of its own (reported
/// beside it). The baseline and the job run in AIONIS_BENCH_RETENTION_ROUNDS interleaved rounds (default 5, the order
/// swapped every round, every side on a fresh copy after a settled disk); the goal is on the median of the rounds' ratios.
/// </summary>
public sealed class TelemetryRetentionBenchmark : IBenchmark
{
    private const int OlderThanHours = 179; // 157 of the 336 generated hours: ~1.4M of 3M rows
    private const int BatchLimit = 20_000;
    private const long GeneratedRows = 3_000_000;
    private static readonly long Rows = (long)(GeneratedRows * TelemetryDataset.Scale);

    public string Name => "telemetry-retention";
    public string Description => "telemetry retention: 1.4M of 3M rows vs one unbatched DELETE and the other batchings, ids in and out of time order";

    public async Task<int> RunAsync(BenchContext context)
    {
        var table = new BenchTable($"telemetry retention: 3M rows, 200 tenants, batch {BatchLimit}");
        table.Info("load before measuring (uptime)", File.ReadAllText("/proc/loadavg").Trim());
        table.Info("before each timed side", SettledDisk.Describe(dropCaches: false) + " + CHECKPOINT");
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        foreach (var (label, timeOrdered) in new[] { ("ids rising with time", true), ("ids not in time order", false) })
        {
            var template = timeOrdered ? "bench_retention" : "bench_retention_shuffled";
            var (_, end) = await TelemetryDataset.EnsureAsync(context.PostgresAdmin, template, GeneratedRows, 14, now, timeOrdered);
            await MeasureAsync(table, context, label, template, end);
        }
        return table.Print();
    }

    private static async Task MeasureAsync(BenchTable table, BenchContext context, string label, string template, DateTimeOffset end)
    {
        var cutoff = end - TimeSpan.FromHours(OlderThanHours);
        Task<string> Copy(string suffix) => TelemetryDataset.CloneAsync(context.PostgresAdmin, template, $"{template}_{suffix}");
        Task Drop(string suffix) => TelemetryDataset.DropAsync(context.PostgresAdmin, $"{template}_{suffix}");
        var options = new Dictionary<string, object?>
        {
            ["older-than-hours"] = OlderThanHours.ToString(), ["batch-limit"] = BatchLimit.ToString(), ["max-passes"] = "1000",
        };

        // The first run in a process also pays for jitting the runner, Npgsql's paths and the job (cold-start measures
        // that); it runs on a copy of its own, so the timed runs below are as warm as a nightly run in `serve`.
        TimedRun warmUp;
        await using (var first = new BenchWorker(await Copy("warmup"), context.WorkDirectory, end))
        {
            warmUp = await first.RunAsync("hosted-telemetry-retention", options);
        }
        await Drop("warmup");

        // The baseline and the job in interleaved rounds, each on a fresh copy, the order swapped every round, each side
        // after a settled disk: a single pair measured once swung from 41 % to 56 % between two quiet runs, the copies'
        // writeback landing on whichever side came later.
        var rounds = new List<RetentionRound>();
        for (var round = 0; round < context.IntSetting("AIONIS_BENCH_RETENTION_ROUNDS", 5); round++)
        {
            var deleteCopy = await Copy($"delete{round}");
            var jobCopy = await Copy($"job{round}");
            Task<(TimeSpan Elapsed, long Rows)> Delete() => BenchSql.TimeAsync(deleteCopy, "DELETE FROM memory_request_telemetry WHERE created_at < $1", cutoff);
            Task<JobRound> Job() => RunJobAsync(jobCopy, context.WorkDirectory, end, options, cutoff);
            await SettleAsync(context);
            (TimeSpan Elapsed, long Rows) unbatched;
            JobRound job;
            if (round % 2 == 0)
            {
                unbatched = await Delete();
                await SettleAsync(context);
                job = await Job();
            }
            else
            {
                job = await Job();
                await SettleAsync(context);
                unbatched = await Delete();
            }
            rounds.Add(new RetentionRound(unbatched.Elapsed, unbatched.Rows, job));
            await Drop($"delete{round}");
            await Drop($"job{round}");
        }

        var eligible = rounds[0].Eligible;
        var deleteTime = Percentiles.Median(rounds.Select(r => r.Unbatched));
        var deleteRate = eligible / deleteTime.TotalSeconds;
        string Share(TimeSpan total) => $"{eligible / total.TotalSeconds / deleteRate:P0} of unbatched";
        table.Info($"{label}: eligible rows / table rows", $"{eligible:N0} / {Rows:N0}");
        table.Info($"{label}: one unbatched DELETE, per round", $"{Times(rounds.Select(r => r.Unbatched))}, median {deleteRate:N0} rows/s");

        var reference = await Copy("reference");
        var referenceBatch = TimeSpan.Zero;
        for (var i = 0; i < 3; i++)
        {
            referenceBatch += (await BenchSql.TimeAsync(reference, """
                WITH victims AS (SELECT id FROM memory_request_telemetry WHERE created_at < $1 ORDER BY id ASC LIMIT $2)
                DELETE FROM memory_request_telemetry t USING victims v WHERE t.id = v.id RETURNING t.id
                """, cutoff, BatchLimit)).Elapsed;
        }
        await Drop("reference");
        table.Info($"{label}: reference batch statement (first 3 batches)",
            $"{referenceBatch.TotalMilliseconds / 3:0} ms/batch, {3 * BatchLimit / referenceBatch.TotalSeconds / deleteRate:P0} of unbatched");

        var idCopy = await Copy("idrange");
        await SettleAsync(context);
        var ids = await IdRangeWalkAsync(idCopy, cutoff);
        await Drop("idrange");
        table.Info($"{label}: id-range batches, a commit each", $"{ids.Total.TotalMilliseconds:0} ms, {Share(ids.Total)}, {ids.Statements} statements, slowest {ids.Slowest.TotalMilliseconds:0} ms");
        var tidCopy = await Copy("tidrange");
        await SettleAsync(context);
        var direct = await CtidWalkAsync(tidCopy, cutoff);
        await Drop("tidrange");
        table.Info($"{label}: TID-range windows of 68 blocks deleted directly", $"{direct.Total.TotalMilliseconds:0} ms, {Share(direct.Total)}, {direct.Statements} statements, slowest {direct.Slowest.TotalMilliseconds:0} ms");

        var jobs = rounds.Select(r => r.Job).ToList();
        var ratios = rounds.Select(r => r.Unbatched / r.Job.Elapsed).ToList();
        var ratio = Percentiles.Median(ratios);
        var last = jobs[^1];
        var complete = jobs.All(j => j.Left == 0 && j.Deleted == eligible);
        var slowest = jobs.Max(j => j.Passes.Max(p => p.Slowest));
        // Full passes take 10–20 ms here, timed to the millisecond, so one round's ratio moves by a third with the
        // machine's scheduling (0.9× and 1.6× in one run): the goal is on the median of the rounds, like the throughput's.
        var lateOverEarlyPerRound = jobs.Select(j => j.Late / j.Early).ToList();
        var lateOverEarly = Percentiles.Median(lateOverEarlyPerRound);
        table.Info($"{label}: job (direct windows sized by density), per round", $"{Times(jobs.Select(j => j.Elapsed))}; last round {last.Passes.Count} passes, {last.Passes.Sum(p => p.Transactions)} transactions ({last.Passes.Sum(p => p.Ms)} ms in them), {last.Deleted:N0} deleted, {last.Left} eligible left");
        table.Info($"{label}: the same job as the process's first run (JIT included)", $"{warmUp.Elapsed.TotalMilliseconds:0} ms, {Share(warmUp.Elapsed)}");
        table.Info($"{label}: job throughput / unbatched DELETE, per round", string.Join(" ", ratios.Select(r => $"{r:P0}")));
        table.Add($"{label}: job throughput / unbatched DELETE (median of rounds)", ratio * 100, " %", ">= 75 %", ratio >= 0.75 && complete);
        table.Add($"{label}: slowest delete transaction", slowest, " ms", "<= 250 ms", slowest <= 250);
        table.Add($"{label}: late / early full passes (median of 10 each, median of rounds)", lateOverEarly, "x", "<= 1.25", lateOverEarly <= 1.25);
        table.Info($"{label}: late / early full passes, per round", string.Join(" ", lateOverEarlyPerRound.Select(r => $"{r:0.00}x")));
        table.Info($"{label}: early / late full pass, last pass (last round)", $"{last.Early:0} ms / {last.Late:0} ms, last {last.Passes[^1].Ms} ms ({last.Passes[^1].Deleted} rows)");
        var slowestInsert = jobs.Max(j => j.SlowestInsert);
        table.Add($"{label}: concurrent single-row inserts, slowest", slowestInsert.TotalMilliseconds, " ms", "<= 250 ms", slowestInsert.TotalMilliseconds <= 250 && jobs.All(j => j.Inserts > 0));
        table.Info($"{label}: concurrent inserts during the job, per round", string.Join(" ", jobs.Select(j => j.Inserts.ToString("N0"))));
    }

    private sealed record PassFigures(int Deleted, long Ms, long Slowest, int Transactions);

    private sealed record JobRound(TimeSpan Elapsed, long Deleted, long Left, IReadOnlyList<PassFigures> Passes, int Inserts, TimeSpan SlowestInsert)
    {
        private IReadOnlyList<long> Full => Passes.Where(p => p.Deleted == BatchLimit).Select(p => p.Ms).ToList();
        public double Early => Percentiles.Median(Full.Take(10).Select(ms => (double)ms));
        public double Late => Percentiles.Median(Full.TakeLast(10).Select(ms => (double)ms));
    }

    private sealed record RetentionRound(TimeSpan Unbatched, long Eligible, JobRound Job);

    /// <summary>The job through the worker's runner while another connection keeps inserting telemetry, as the API does.</summary>
    private static async Task<JobRound> RunJobAsync(string database, string workDirectory, DateTimeOffset end, Dictionary<string, object?> options, DateTimeOffset cutoff)
    {
        await using var worker = new BenchWorker(database, workDirectory, end);
        using var stopInserts = new CancellationTokenSource();
        var inserts = InsertWhileRunningAsync(database, stopInserts.Token);
        var run = await worker.RunAsync("hosted-telemetry-retention", options);
        stopInserts.Cancel();
        var (insertCount, slowestInsert) = await inserts;

        var summary = (Aionis.Jobs.Telemetry.TelemetryRetentionSummary)run.Result.Summary!;
        var passes = summary.Detail.Select(p => new PassFigures(p.Deleted, p.ElapsedMs, p.SlowestTransactionMs, p.Transactions)).ToList();
        var left = (await BenchSql.TimeAsync(database, "SELECT 1 FROM memory_request_telemetry WHERE created_at < $1", cutoff)).Rows;
        return new JobRound(run.Elapsed, summary.TotalDeleted, left, passes, insertCount, slowestInsert);
    }

    /// <summary>Dirty pages of the copies written first, so that no side pays for another's writeback; the page cache stays warm for both.</summary>
    private static async Task SettleAsync(BenchContext context)
    {
        await SettledDisk.SettleAsync(dropCaches: false);
        await using var admin = new NpgsqlConnection(context.PostgresAdmin);
        await admin.OpenAsync();
        await TelemetryDataset.ExecuteAsync(admin, "CHECKPOINT");
    }

    private static string Times(IEnumerable<TimeSpan> times) => string.Join(" ", times.Select(t => $"{t.TotalMilliseconds:0}")) + " ms";

    private sealed record Walk(TimeSpan Total, int Statements, TimeSpan Slowest);

    /// <summary>
    /// Id-range batches along the primary key, a commit after each: <c>id &gt;= start AND id &lt; start + n AND created_at &lt;
    /// cutoff</c>, <c>start</c> the first id at or after the cursor, <c>n</c> what the pass may still delete (ids are unique,
    /// so a pass never exceeds the batch), over every id the table held at the start.
    /// </summary>
    private static async Task<Walk> IdRangeWalkAsync(string connectionString, DateTimeOffset cutoff)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var bounds = new NpgsqlCommand("SELECT min(id), max(id) FROM memory_request_telemetry", connection);
        long next, last;
        await using (var reader = await bounds.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            (next, last) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        var total = Stopwatch.StartNew();
        var statements = 0;
        var slowest = TimeSpan.Zero;
        var remaining = BatchLimit;
        while (next <= last)
        {
            await using var command = new NpgsqlCommand("""
                WITH range_start AS (SELECT min(id) AS id FROM memory_request_telemetry WHERE id >= $1 AND id <= $2),
                deleted AS (
                  DELETE FROM memory_request_telemetry
                   WHERE id >= (SELECT id FROM range_start) AND id < (SELECT id FROM range_start) + $3 AND id <= $2 AND created_at < $4
                  RETURNING 1)
                SELECT (SELECT id FROM range_start), (SELECT count(*)::int FROM deleted)
                """, connection) { CommandTimeout = 0 };
            command.Parameters.Add(new NpgsqlParameter { Value = next });
            command.Parameters.Add(new NpgsqlParameter { Value = last });
            command.Parameters.Add(new NpgsqlParameter { Value = (long)remaining });
            command.Parameters.Add(new NpgsqlParameter { Value = cutoff });
            var started = Stopwatch.GetTimestamp();
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var start = reader.IsDBNull(0) ? (long?)null : reader.GetInt64(0);
            var deleted = reader.GetInt32(1);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > slowest) slowest = elapsed;
            statements++;
            next = start is { } first ? first + remaining : last + 1;
            remaining -= deleted;
            if (remaining == 0) remaining = BatchLimit;
        }
        return new Walk(total.Elapsed, statements, slowest);
    }

    /// <summary>
    /// Block windows deleted directly with a TID range scan, sized so that a window cannot hold more than the batch (a block
    /// holds at most 291 tuples), which keeps the batch bound without collecting ctids first.
    /// </summary>
    private static async Task<Walk> CtidWalkAsync(string connectionString, DateTimeOffset cutoff)
    {
        const int maxTuplesPerBlock = 291;
        const int windowBlocks = BatchLimit / maxTuplesPerBlock;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var size = new NpgsqlCommand("SELECT pg_relation_size('memory_request_telemetry') / current_setting('block_size')::int", connection);
        var blocks = (long)(await size.ExecuteScalarAsync())!;
        var total = Stopwatch.StartNew();
        var statements = 0;
        var slowest = TimeSpan.Zero;
        for (long block = 0; block < blocks; block += windowBlocks)
        {
            await using var command = new NpgsqlCommand(
                "DELETE FROM memory_request_telemetry WHERE ctid >= $1 AND ctid < $2 AND created_at < $3", connection) { CommandTimeout = 0 };
            command.Parameters.Add(new NpgsqlParameter { Value = new NpgsqlTid((uint)block, 0), NpgsqlDbType = NpgsqlDbType.Tid });
            command.Parameters.Add(new NpgsqlParameter { Value = new NpgsqlTid((uint)Math.Min(block + windowBlocks, blocks), 0), NpgsqlDbType = NpgsqlDbType.Tid });
            command.Parameters.Add(new NpgsqlParameter { Value = cutoff });
            var started = Stopwatch.GetTimestamp();
            await command.ExecuteNonQueryAsync();
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > slowest) slowest = elapsed;
            statements++;
        }
        return new Walk(total.Elapsed, statements, slowest);
    }

    /// <summary>What the API does meanwhile: single-row autocommit inserts; returns how many and the slowest.</summary>
    private static async Task<(int Count, TimeSpan Slowest)> InsertWhileRunningAsync(string connectionString, CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        var count = 0;
        var slowest = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO memory_request_telemetry (tenant_id, scope, endpoint, status_code, latency_ms, api_key_prefix)
                VALUES ('tenant_hot', 'tenant:tenant_hot::scope:default', 'recall', 200, 42, 'tenant_hot_k1')
                """, connection);
            var started = Stopwatch.GetTimestamp();
            await command.ExecuteNonQueryAsync(CancellationToken.None);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > slowest) slowest = elapsed;
            count++;
            await Task.Delay(5, CancellationToken.None);
        }
        return (count, slowest);
    }
}
