using System.Diagnostics;
using System.Text.Json;
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
/// while another connection keeps inserting telemetry.
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

        var (deleteTime, eligible) = await BenchSql.TimeAsync(await Copy("delete"), "DELETE FROM memory_request_telemetry WHERE created_at < $1", cutoff);
        var deleteRate = eligible / deleteTime.TotalSeconds;
        table.Info($"{label}: eligible rows / table rows", $"{eligible:N0} / {Rows:N0}");
        table.Info($"{label}: one unbatched DELETE", $"{deleteTime.TotalMilliseconds:0} ms, {deleteRate:N0} rows/s");
        string Share(TimeSpan total) => $"{eligible / total.TotalSeconds / deleteRate:P0} of unbatched";

        var reference = await Copy("reference");
        var referenceBatch = TimeSpan.Zero;
        for (var i = 0; i < 3; i++)
        {
            referenceBatch += (await BenchSql.TimeAsync(reference, """
                WITH victims AS (SELECT id FROM memory_request_telemetry WHERE created_at < $1 ORDER BY id ASC LIMIT $2)
                DELETE FROM memory_request_telemetry t USING victims v WHERE t.id = v.id RETURNING t.id
                """, cutoff, BatchLimit)).Elapsed;
        }
        table.Info($"{label}: reference batch statement (first 3 batches)",
            $"{referenceBatch.TotalMilliseconds / 3:0} ms/batch, {3 * BatchLimit / referenceBatch.TotalSeconds / deleteRate:P0} of unbatched");

        var ids = await IdRangeWalkAsync(await Copy("idrange"), cutoff);
        table.Info($"{label}: id-range batches, a commit each", $"{ids.Total.TotalMilliseconds:0} ms, {Share(ids.Total)}, {ids.Statements} statements, slowest {ids.Slowest.TotalMilliseconds:0} ms");
        var direct = await CtidWalkAsync(await Copy("tidrange"), cutoff);
        table.Info($"{label}: TID-range windows of 68 blocks deleted directly", $"{direct.Total.TotalMilliseconds:0} ms, {Share(direct.Total)}, {direct.Statements} statements, slowest {direct.Slowest.TotalMilliseconds:0} ms");

        var jobDatabase = await Copy("job");
        await using var worker = new BenchWorker(jobDatabase, context.WorkDirectory, end);
        using var stopInserts = new CancellationTokenSource();
        var inserts = InsertWhileRunningAsync(jobDatabase, stopInserts.Token);
        var run = await worker.RunAsync("hosted-telemetry-retention", new Dictionary<string, object?>
        {
            ["older-than-hours"] = OlderThanHours.ToString(), ["batch-limit"] = BatchLimit.ToString(), ["max-passes"] = "1000",
        });
        stopInserts.Cancel();
        var (insertCount, slowestInsert) = await inserts;

        var summary = JsonDocument.Parse(JobJson.Serialize(run.Result.Summary)).RootElement;
        var passes = summary.GetProperty("detail").EnumerateArray()
            .Select(p => (Deleted: p.GetProperty("deleted").GetInt32(), Ms: p.GetProperty("elapsed_ms").GetInt64(), Slowest: p.GetProperty("slowest_statement_ms").GetInt64(),
                Statements: p.GetProperty("statements").GetInt32())).ToList();
        var deleted = summary.GetProperty("total_deleted").GetInt64();
        var left = (await BenchSql.TimeAsync(jobDatabase, "SELECT 1 FROM memory_request_telemetry WHERE created_at < $1", cutoff)).Rows;
        var full = passes.Where(p => p.Deleted == BatchLimit).Select(p => p.Ms).ToList();
        var early = Median(full.Take(5));
        var late = Median(full.TakeLast(5));
        var jobRate = deleted / run.Elapsed.TotalSeconds;
        var slowest = passes.Max(p => p.Slowest);

        table.Info($"{label}: job (direct windows sized by density)", $"{run.Elapsed.TotalMilliseconds:0} ms, {passes.Count} passes, {passes.Sum(p => p.Statements)} statements, {deleted:N0} deleted, {left} eligible left");
        table.Add($"{label}: job throughput / unbatched DELETE", jobRate / deleteRate * 100, " %", ">= 75 %", jobRate / deleteRate >= 0.75 && left == 0 && deleted == eligible);
        table.Add($"{label}: slowest delete statement (one transaction)", slowest, " ms", "<= 250 ms", slowest <= 250);
        table.Add($"{label}: late / early full passes (median of 5)", late / early, "x", "<= 1.25", late <= 1.25 * early);
        table.Info($"{label}: early / late full pass, last pass", $"{early:0} ms / {late:0} ms, last {passes[^1].Ms} ms ({passes[^1].Deleted} rows)");
        table.Add($"{label}: concurrent single-row inserts, slowest", slowestInsert.TotalMilliseconds, " ms", "<= 250 ms", slowestInsert.TotalMilliseconds <= 250 && insertCount > 0);
        table.Info($"{label}: concurrent inserts during the job", insertCount.ToString("N0"));
    }

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

    private static double Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }
}
