namespace Aionis.Bench.Telemetry;

/// <summary>
/// Timeseries export and key-usage anomaly on 10M telemetry rows (hot tenant), each beside the fastest plain SQL statement
/// that produces the same numbers; and the worker's allocations at 1M and 10M rows (aggregation must stay in Postgres).
/// </summary>
public sealed class TelemetryReportsBenchmark : IBenchmark
{
    private const int Repeat = 2;

    private static readonly (string Name, string Sql)[] TimeseriesSql =
    [
        ("hour x endpoint, percentile array", """
            SELECT date_trunc('hour', created_at, 'UTC'), endpoint, count(*),
                   count(*) FILTER (WHERE status_code >= 500), count(*) FILTER (WHERE status_code = 429),
                   count(*) FILTER (WHERE status_code >= 400 AND status_code < 500 AND status_code <> 429),
                   percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms)
              FROM memory_request_telemetry WHERE tenant_id = $1 AND created_at >= $2
             GROUP BY 1, 2 ORDER BY 1 DESC, 2
            """),
        ("hour x endpoint, three percentiles", """
            SELECT date_trunc('hour', created_at, 'UTC'), endpoint, count(*),
                   count(*) FILTER (WHERE status_code >= 500), count(*) FILTER (WHERE status_code = 429),
                   count(*) FILTER (WHERE status_code >= 400 AND status_code < 500 AND status_code <> 429),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms)
              FROM memory_request_telemetry WHERE tenant_id = $1 AND created_at >= $2
             GROUP BY 1, 2 ORDER BY 1 DESC, 2
            """),
        ("grouping sets (hour, endpoint), (endpoint)", """
            SELECT date_trunc('hour', created_at, 'UTC'), endpoint, count(*),
                   count(*) FILTER (WHERE status_code >= 500), count(*) FILTER (WHERE status_code = 429),
                   count(*) FILTER (WHERE status_code >= 400 AND status_code < 500 AND status_code <> 429),
                   percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms)
              FROM memory_request_telemetry WHERE tenant_id = $1 AND created_at >= $2
             GROUP BY GROUPING SETS ((1, 2), (2))
            """),
    ];

    private static readonly (string Name, string Sql)[] KeyUsageSql =
    [
        ("one scan, filtered aggregates", """
            SELECT api_key_prefix, endpoint,
                   count(*) FILTER (WHERE recent), count(*) FILTER (WHERE recent AND status_code >= 500),
                   count(*) FILTER (WHERE recent AND status_code = 429), avg(latency_ms) FILTER (WHERE recent),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE recent),
                   count(*) FILTER (WHERE NOT recent), count(*) FILTER (WHERE NOT recent AND status_code >= 500),
                   count(*) FILTER (WHERE NOT recent AND status_code = 429), avg(latency_ms) FILTER (WHERE NOT recent),
                   stddev_pop(latency_ms) FILTER (WHERE NOT recent), count(*) OVER ()
              FROM (SELECT api_key_prefix, endpoint, status_code, latency_ms, created_at >= $3 AS recent
                      FROM memory_request_telemetry
                     WHERE tenant_id = $1 AND api_key_prefix IS NOT NULL AND created_at >= $2) r
             GROUP BY 1, 2 HAVING count(*) FILTER (WHERE recent) > 0
             ORDER BY 3 DESC, 1, 2 LIMIT 500
            """),
        ("recent LEFT JOIN baseline (reference shape)", """
            WITH recent AS (
              SELECT api_key_prefix, endpoint, count(*) AS total, count(*) FILTER (WHERE status_code >= 500) AS srv,
                     count(*) FILTER (WHERE status_code = 429) AS thr, avg(latency_ms) AS avg_ms,
                     percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
                FROM memory_request_telemetry
               WHERE tenant_id = $1 AND api_key_prefix IS NOT NULL AND created_at >= $3
               GROUP BY 1, 2),
            baseline AS (
              SELECT api_key_prefix, endpoint, count(*) AS total, count(*) FILTER (WHERE status_code >= 500) AS srv,
                     count(*) FILTER (WHERE status_code = 429) AS thr, avg(latency_ms) AS avg_ms, stddev_pop(latency_ms) AS sd
                FROM memory_request_telemetry
               WHERE tenant_id = $1 AND api_key_prefix IS NOT NULL AND created_at >= $2 AND created_at < $3
               GROUP BY 1, 2)
            SELECT r.*, b.total, b.srv, b.thr, b.avg_ms, b.sd, count(*) OVER ()
              FROM recent r LEFT JOIN baseline b USING (api_key_prefix, endpoint)
             ORDER BY r.total DESC, r.api_key_prefix, r.endpoint LIMIT 500
            """),
    ];

    public string Name => "telemetry-reports";
    public string Description => "timeseries export and key-usage anomaly vs plain SQL at 10M rows; allocations at 1M vs 10M";

    public async Task<int> RunAsync(BenchContext context)
    {
        var end = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var table = new BenchTable("telemetry reports: 10M rows over 14 days, 200 tenants, hot tenant 10 %");

        Console.Error.WriteLine("generating 1M rows...");
        var small = await TelemetryDataset.CreateAsync(context.PostgresAdmin, "bench_telemetry_1m", 1_000_000, 14, end);
        Console.Error.WriteLine("generating 10M rows...");
        var large = await TelemetryDataset.CreateAsync(context.PostgresAdmin, "bench_telemetry_10m", 10_000_000, 14, end);

        var timeseries = new Dictionary<string, object?> { ["tenant-id"] = TelemetryDataset.HotTenant, ["window-hours"] = "168", ["out-dir"] = "ts/{run_id}" };
        var keyUsage = new Dictionary<string, object?> { ["tenant-id"] = TelemetryDataset.HotTenant, ["window-hours"] = "24", ["baseline-hours"] = "168" };

        long smallTimeseriesBytes, smallKeyUsageBytes;
        await using (var worker = new BenchWorker(small, context.WorkDirectory, end))
        {
            await worker.RunAsync("hosted-tenant-timeseries-export", timeseries); // JIT warm-up
            await worker.RunAsync("hosted-key-usage-anomaly", keyUsage);
            smallTimeseriesBytes = (await worker.RunAsync("hosted-tenant-timeseries-export", timeseries)).AllocatedBytes;
            smallKeyUsageBytes = (await worker.RunAsync("hosted-key-usage-anomaly", keyUsage)).AllocatedBytes;
        }

        await using (var worker = new BenchWorker(large, context.WorkDirectory, end))
        {
            var since = end - TimeSpan.FromHours(168);
            var sql = await BenchSql.BestAsync(large, Repeat, TimeseriesSql, TelemetryDataset.HotTenant, since);
            var job = await BestRunAsync(worker, "hosted-tenant-timeseries-export", timeseries);
            var rows = await RowsAsync(large, "SELECT count(*) FROM memory_request_telemetry WHERE tenant_id = $1 AND created_at >= $2", TelemetryDataset.HotTenant, since);
            table.Info("timeseries: rows aggregated (hot tenant, 168 h)", rows.ToString("N0"));
            table.Info("timeseries: best plain SQL", $"{sql.Elapsed.TotalMilliseconds:0} ms ({sql.Name})");
            table.Info("timeseries: job (in process)", $"{job.Elapsed.TotalMilliseconds:0} ms");
            var ratio = job.Elapsed / sql.Elapsed;
            table.Add("timeseries: job / SQL", ratio, "x", "<= 1.3", ratio <= 1.3);

            var recentStart = end - TimeSpan.FromHours(24);
            var usageSql = await BenchSql.BestAsync(large, Repeat, KeyUsageSql, TelemetryDataset.HotTenant, since, recentStart);
            var usageJob = await BestRunAsync(worker, "hosted-key-usage-anomaly", keyUsage);
            table.Info("key usage: best plain SQL", $"{usageSql.Elapsed.TotalMilliseconds:0} ms ({usageSql.Name})");
            table.Info("key usage: job (in process)", $"{usageJob.Elapsed.TotalMilliseconds:0} ms");
            var usageRatio = usageJob.Elapsed / usageSql.Elapsed;
            table.Add("key usage: job / SQL", usageRatio, "x", "<= 1.3", usageRatio <= 1.3);

            var largeTimeseriesBytes = (await worker.RunAsync("hosted-tenant-timeseries-export", timeseries)).AllocatedBytes;
            var largeKeyUsageBytes = (await worker.RunAsync("hosted-key-usage-anomaly", keyUsage)).AllocatedBytes;
            table.Info("timeseries: allocated at 1M / 10M rows", $"{Mb(smallTimeseriesBytes)} / {Mb(largeTimeseriesBytes)} MB");
            table.Add("timeseries: allocation growth 1M -> 10M", (double)largeTimeseriesBytes / smallTimeseriesBytes, "x", "<= 1.5", largeTimeseriesBytes <= 1.5 * smallTimeseriesBytes);
            table.Info("key usage: allocated at 1M / 10M rows", $"{Mb(smallKeyUsageBytes)} / {Mb(largeKeyUsageBytes)} MB");
            table.Add("key usage: allocation growth 1M -> 10M", (double)largeKeyUsageBytes / smallKeyUsageBytes, "x", "<= 1.5", largeKeyUsageBytes <= 1.5 * smallKeyUsageBytes);
            table.Info("process peak working set", $"{Environment.WorkingSet / 1048576} MB now, {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MB peak");
        }
        return table.Print();
    }

    private static async Task<TimedRun> BestRunAsync(BenchWorker worker, string job, IDictionary<string, object?> options)
    {
        TimedRun? best = null;
        for (var i = 0; i < Repeat; i++)
        {
            var run = await worker.RunAsync(job, options);
            if (best is null || run.Elapsed < best.Elapsed) best = run;
        }
        return best!;
    }

    private static async Task<long> RowsAsync(string connectionString, string sql, params object[] args)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = arg });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
