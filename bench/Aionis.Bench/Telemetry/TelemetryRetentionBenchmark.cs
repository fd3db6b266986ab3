using System.Diagnostics;
using System.Text.Json;
using Aionis.Jobs.Framework;
using Npgsql;

namespace Aionis.Bench.Telemetry;

/// <summary>
/// Retention of about 1.4M eligible rows out of 3M, on identical copies of one database: one unbatched DELETE, the
/// reference's batch statement (a few batches, projected), an id-cursor walk, and the job itself while another
/// connection keeps inserting telemetry.
/// </summary>
public sealed class TelemetryRetentionBenchmark : IBenchmark
{
    private const int OlderThanHours = 179; // 157 of the 336 generated hours: ~1.4M of 3M rows
    private const int BatchLimit = 20_000;

    public string Name => "telemetry-retention";
    public string Description => "telemetry retention: 1.4M of 3M rows vs one unbatched DELETE; batch times early vs late";

    public async Task<int> RunAsync(BenchContext context)
    {
        var end = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var cutoff = end - TimeSpan.FromHours(OlderThanHours);
        var table = new BenchTable("telemetry retention: 3M rows, 200 tenants, batch 20000");

        Console.Error.WriteLine("generating 3M rows...");
        await TelemetryDataset.CreateAsync(context.PostgresAdmin, "bench_retention", 3_000_000, 14, end);

        var unbatched = await TelemetryDataset.CloneAsync(context.PostgresAdmin, "bench_retention", "bench_retention_delete");
        var (deleteTime, eligible) = await BenchSql.TimeAsync(unbatched, "DELETE FROM memory_request_telemetry WHERE created_at < $1", cutoff);
        var deleteRate = eligible / deleteTime.TotalSeconds;
        table.Info("eligible rows / table rows", $"{eligible:N0} / 3,000,000");
        table.Info("one unbatched DELETE", $"{deleteTime.TotalMilliseconds:0} ms, {deleteRate:N0} rows/s");

        var reference = await TelemetryDataset.CloneAsync(context.PostgresAdmin, "bench_retention", "bench_retention_reference");
        var referenceBatch = TimeSpan.Zero;
        for (var i = 0; i < 3; i++)
        {
            referenceBatch += (await BenchSql.TimeAsync(reference, """
                WITH victims AS (SELECT id FROM memory_request_telemetry WHERE created_at < $1 ORDER BY id ASC LIMIT $2)
                DELETE FROM memory_request_telemetry t USING victims v WHERE t.id = v.id RETURNING t.id
                """, cutoff, BatchLimit)).Elapsed;
        }
        var referenceRate = 3 * BatchLimit / referenceBatch.TotalSeconds;
        table.Info("reference batch statement (first 3 batches)", $"{referenceBatch.TotalMilliseconds / 3:0} ms/batch, {referenceRate / deleteRate:P0} of unbatched");

        var idCursor = await TelemetryDataset.CloneAsync(context.PostgresAdmin, "bench_retention", "bench_retention_idcursor");
        var (idTotal, idLastBatch, idMaxBatch) = await IdCursorWalkAsync(idCursor, cutoff);
        table.Info("id-cursor walk (alternative)", $"{idTotal.TotalMilliseconds:0} ms, {eligible / idTotal.TotalSeconds / deleteRate:P0} of unbatched, last batch {idLastBatch.TotalMilliseconds:0} ms, max {idMaxBatch.TotalMilliseconds:0} ms");

        var jobDatabase = await TelemetryDataset.CloneAsync(context.PostgresAdmin, "bench_retention", "bench_retention_job");
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
            .Select(p => (Deleted: p.GetProperty("deleted").GetInt32(), Ms: p.GetProperty("elapsed_ms").GetInt64(), Slowest: p.GetProperty("slowest_statement_ms").GetInt64())).ToList();
        var deleted = summary.GetProperty("total_deleted").GetInt64();
        var left = (long)(await BenchSql.TimeAsync(jobDatabase, "SELECT 1 FROM memory_request_telemetry WHERE created_at < $1", cutoff)).Rows;
        var full = passes.Where(p => p.Deleted == BatchLimit).Select(p => p.Ms).ToList();
        var early = Median(full.Take(5));
        var late = Median(full.TakeLast(5));
        var jobRate = deleted / run.Elapsed.TotalSeconds;

        table.Info("job", $"{run.Elapsed.TotalMilliseconds:0} ms, {passes.Count} passes, {deleted:N0} deleted, {left} eligible left");
        table.Add("job throughput / unbatched DELETE", jobRate / deleteRate * 100, " %", ">= 40 %", jobRate / deleteRate >= 0.4 && left == 0 && deleted == eligible);
        table.Add("slowest delete batch (one transaction)", passes.Max(p => p.Slowest), " ms", "<= 250 ms", passes.Max(p => p.Slowest) <= 250);
        table.Info("slowest full pass / last pass", $"{passes.Where(p => p.Deleted == BatchLimit).Max(p => p.Ms)} ms / {passes[^1].Ms} ms ({passes[^1].Deleted} rows; walks the newer rest of the table)");
        table.Add("late / early full passes (median of 5)", late / early, "x", "<= 2", late <= 2 * early);
        table.Info("early / late full pass", $"{early:0} ms / {late:0} ms");
        table.Add("concurrent inserts: slowest", slowestInsert.TotalMilliseconds, " ms", "<= 250 ms", slowestInsert.TotalMilliseconds <= 250 && insertCount > 0);
        table.Info("concurrent inserts during the job", insertCount.ToString("N0"));
        return table.Print();
    }

    /// <summary>The primary-key walk: <c>id &gt; last AND created_at &lt; cutoff ORDER BY id LIMIT n</c> until a batch comes up short.</summary>
    private static async Task<(TimeSpan Total, TimeSpan LastBatch, TimeSpan MaxBatch)> IdCursorWalkAsync(string connectionString, DateTimeOffset cutoff)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        long last = 0;
        var total = Stopwatch.StartNew();
        TimeSpan batch, max = TimeSpan.Zero;
        while (true)
        {
            await using var command = new NpgsqlCommand("""
                WITH d AS (DELETE FROM memory_request_telemetry WHERE id = ANY (ARRAY(
                    SELECT id FROM memory_request_telemetry WHERE id > $1 AND created_at < $2 ORDER BY id LIMIT $3)) RETURNING id)
                SELECT count(*)::int, coalesce(max(id), $1) FROM d
                """, connection) { CommandTimeout = 0 };
            command.Parameters.Add(new NpgsqlParameter { Value = last });
            command.Parameters.Add(new NpgsqlParameter { Value = cutoff });
            command.Parameters.Add(new NpgsqlParameter { Value = BatchLimit });
            var started = Stopwatch.GetTimestamp();
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var count = reader.GetInt32(0);
            last = reader.GetInt64(1);
            batch = Stopwatch.GetElapsedTime(started);
            if (batch > max) max = batch;
            if (count < BatchLimit) break;
        }
        return (total.Elapsed, batch, max);
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
