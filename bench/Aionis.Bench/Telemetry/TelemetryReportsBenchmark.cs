using System.Globalization;
using Aionis.Bench.Scale;
using Aionis.Jobs.Telemetry;
using Npgsql;

namespace Aionis.Bench.Telemetry;

/// <summary>
/// Timeseries export and key-usage anomaly on 10M telemetry rows (hot tenant), in the same run and interleaved rounds as
/// their competitors: the original's statements (the original report pages', at the server's settings, as the original ran them),
/// our earlier statement and hand-tuned plain SQL. The job is timed inside the process (the worker's runner, history row
/// included) and as a whole process (the published <c>aionis job …</c>, start-up included); the settings every competitor
/// ran with are printed. Then the worker's allocations and the process peak at 1M vs 10M rows (aggregation stays in
/// Postgres), and the optional covering index: what it gains and what it costs inserts (4 concurrent writers).
/// </summary>
public sealed class TelemetryReportsBenchmark : IBenchmark
{
    private const int Rounds = 3;

    // The original's start-up, measured by issue #16 on this machine (its SLA job on an empty schema, whole process): the
    // original cannot run here, so "original, whole process" is its statements measured here plus this start-up.
    private const double OriginalStartupMs = 410;

    private static readonly Dictionary<string, string> JobSettings = new() { ["work_mem"] = TelemetrySettings.DefaultWorkMem };
    private static readonly Dictionary<string, string> JobParallelSettings = new()
    {
        ["work_mem"] = TelemetrySettings.DefaultWorkMem, ["parallel_tuple_cost"] = TelemetryStatements.ParallelTupleCost,
    };

    private const string TimeseriesFilter = "FROM memory_request_telemetry WHERE tenant_id = $1 AND created_at >= $2";

    private const string JobTimeseriesSql = $"""
        SELECT date_trunc('hour', created_at, 'UTC'), endpoint, count(*),
               count(*) FILTER (WHERE status_code >= 500), count(*) FILTER (WHERE status_code = 429),
               count(*) FILTER (WHERE status_code >= 400 AND status_code < 500 AND status_code <> 429),
               percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms)
          {TimeseriesFilter}
         GROUP BY 1, 2 ORDER BY 1 DESC, 2
        """;

    private static readonly SqlCompetitor[] TimeseriesSql =
    [
        // The original timeseries page: its total, the page (three percentile_cont, session-time-zone date_trunc), the endpoint budget.
        new("original timeseries: total + series + budget (3 statements)", [
            $"SELECT count(*) FROM (SELECT 1 {TimeseriesFilter} GROUP BY date_trunc('hour', created_at), endpoint) g",
            $"""
            SELECT date_trunc('hour', created_at) AS bucket_utc, endpoint, count(*),
                   count(*) FILTER (WHERE status_code >= 500), count(*) FILTER (WHERE status_code = 429),
                   count(*) FILTER (WHERE status_code >= 400 AND status_code < 500 AND status_code <> 429),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms)
              {TimeseriesFilter}
             GROUP BY 1, 2 ORDER BY bucket_utc DESC, endpoint ASC OFFSET 0 LIMIT 5000
            """,
            $"""
            SELECT endpoint, count(*), count(*) FILTER (WHERE status_code >= 500), count(*) FILTER (WHERE status_code = 429)
              {TimeseriesFilter} GROUP BY endpoint ORDER BY endpoint
            """]),
        new("the job's statement, planner costs as configured (serial here)", JobTimeseriesSql, JobSettings),
        new("the job's statement, parallel_tuple_cost lowered (the job)", JobTimeseriesSql, JobParallelSettings),
        new("hand-tuned: one percentile array, grouping sets for the budget", $"""
            SELECT date_trunc('hour', created_at, 'UTC'), endpoint, count(*),
                   count(*) FILTER (WHERE status_code >= 500), count(*) FILTER (WHERE status_code = 429),
                   count(*) FILTER (WHERE status_code >= 400 AND status_code < 500 AND status_code <> 429),
                   percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms)
              {TimeseriesFilter}
             GROUP BY GROUPING SETS ((1, 2), (2))
            """, JobParallelSettings),
    ];

    private const string RecentFilter = "FROM memory_request_telemetry WHERE tenant_id = $1 AND api_key_prefix IS NOT NULL AND created_at >= $3";
    private const string BaselineFilter = "FROM memory_request_telemetry WHERE tenant_id = $1 AND api_key_prefix IS NOT NULL AND created_at >= $2 AND created_at < $3";

    // The per-pair groupings of the recent window and the baseline, which the original's page and the job's statement join.
    private const string RecentAndBaseline = $"""
        WITH recent AS (
          SELECT api_key_prefix, endpoint, count(*) AS total, count(*) FILTER (WHERE status_code >= 500) AS srv,
                 count(*) FILTER (WHERE status_code = 429) AS thr, avg(latency_ms) AS avg_ms,
                 percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
            {RecentFilter} GROUP BY 1, 2),
        baseline AS (
          SELECT api_key_prefix, endpoint, count(*) AS total, count(*) FILTER (WHERE status_code >= 500) AS srv,
                 count(*) FILTER (WHERE status_code = 429) AS thr, avg(latency_ms) AS avg_ms, stddev_pop(latency_ms) AS sd
            {BaselineFilter} GROUP BY 1, 2)
        """;

    private static readonly SqlCompetitor[] KeyUsageSql =
    [
        // The original key-usage page: the page (recent LEFT JOIN baseline) and its total (distinct recent pairs).
        new("original key usage: recent LEFT JOIN baseline + total (2 statements)", [
            $"""
            {RecentAndBaseline}
            SELECT r.*, b.total, b.srv, b.thr, b.avg_ms, b.sd
              FROM recent r LEFT JOIN baseline b USING (api_key_prefix, endpoint)
             ORDER BY r.total DESC, r.api_key_prefix ASC, r.endpoint ASC OFFSET 0 LIMIT 500
            """,
            $"SELECT count(*) FROM (SELECT 1 {RecentFilter} GROUP BY api_key_prefix, endpoint) p"]),
        new("before #16: one grouping, filtered aggregates (sorts every row)", """
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
            """, JobSettings),
        new("hand-tuned: one hash grouping, recent latencies array_agg'd, p95 per page row", """
            SELECT api_key_prefix, endpoint, rt, rs, rh, ra,
                   (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY l) FROM unnest(rl) l), bt, bs, bh, ba, bd, count(*) OVER ()
              FROM (SELECT api_key_prefix, endpoint,
                           count(*) FILTER (WHERE recent) rt, count(*) FILTER (WHERE recent AND status_code >= 500) rs,
                           count(*) FILTER (WHERE recent AND status_code = 429) rh, avg(latency_ms) FILTER (WHERE recent) ra,
                           array_agg(latency_ms) FILTER (WHERE recent) rl,
                           count(*) FILTER (WHERE NOT recent) bt, count(*) FILTER (WHERE NOT recent AND status_code >= 500) bs,
                           count(*) FILTER (WHERE NOT recent AND status_code = 429) bh, avg(latency_ms) FILTER (WHERE NOT recent) ba,
                           stddev_pop(latency_ms) FILTER (WHERE NOT recent) bd
                      FROM (SELECT api_key_prefix, endpoint, status_code, latency_ms, created_at >= $3 AS recent
                              FROM memory_request_telemetry
                             WHERE tenant_id = $1 AND api_key_prefix IS NOT NULL AND created_at >= $2) r
                     GROUP BY 1, 2 HAVING count(*) FILTER (WHERE recent) > 0) p
             ORDER BY rt DESC, 1, 2 LIMIT 500
            """, JobSettings),
        new("the job's statement: disjoint ranges, p95 sorts recent only, baseline hashed", $"""
            {RecentAndBaseline}
            SELECT r.*, b.total, b.srv, b.thr, b.avg_ms, b.sd, count(*) OVER ()
              FROM recent r LEFT JOIN baseline b USING (api_key_prefix, endpoint)
             ORDER BY r.total DESC, r.api_key_prefix, r.endpoint LIMIT 500
            """, JobSettings),
    ];

    public string Name => "telemetry-reports";
    public string Description => "timeseries and key usage at 10M rows vs the original's statements and the best plain SQL, in process and whole process; covering index";

    public async Task<int> RunAsync(BenchContext context)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var table = new BenchTable("telemetry reports: 10M rows over 14 days, 200 tenants, hot tenant 10 %");
        var (small, smallEnd) = await TelemetryDataset.EnsureAsync(context.PostgresAdmin, "bench_telemetry_1m", 1_000_000, 14, now);
        var (large, end) = await TelemetryDataset.EnsureAsync(context.PostgresAdmin, "bench_telemetry_10m", 10_000_000, 14, now);
        table.Info("load before measuring (uptime)", File.ReadAllText("/proc/loadavg").Trim());
        table.Info("server settings", await ServerSettingsAsync(large));
        table.Info("job settings (SET LOCAL per statement)", $"work_mem={TelemetrySettings.DefaultWorkMem}; timeseries also parallel_tuple_cost={TelemetryStatements.ParallelTupleCost}");
        var age = DateTimeOffset.UtcNow - end;
        table.Info("data age (whole-process runs use the real clock)", $"{age.TotalMinutes:0} min");

        var timeseries = new Dictionary<string, object?> { ["tenant-id"] = TelemetryDataset.HotTenant, ["window-hours"] = "168", ["out-dir"] = "ts/{run_id}" };
        var keyUsage = new Dictionary<string, object?> { ["tenant-id"] = TelemetryDataset.HotTenant, ["window-hours"] = "24", ["baseline-hours"] = "168" };
        string[] timeseriesCli = ["job", "hosted-tenant-timeseries-export", "--tenant-id", TelemetryDataset.HotTenant, "--window-hours", "168", "--out-dir", "ts/{run_id}"];
        string[] keyUsageCli = ["job", "hosted-key-usage-anomaly", "--tenant-id", TelemetryDataset.HotTenant, "--window-hours", "24", "--baseline-hours", "168"];

        long smallTimeseriesBytes, smallKeyUsageBytes;
        double smallPeakMb;
        await using (var worker = new BenchWorker(small, context.WorkDirectory, smallEnd))
        {
            await worker.RunAsync("hosted-tenant-timeseries-export", timeseries); // JIT warm-up
            await worker.RunAsync("hosted-key-usage-anomaly", keyUsage);
            smallTimeseriesBytes = (await worker.RunAsync("hosted-tenant-timeseries-export", timeseries)).AllocatedBytes;
            smallKeyUsageBytes = (await worker.RunAsync("hosted-key-usage-anomaly", keyUsage)).AllocatedBytes;
            smallPeakMb = Math.Max((await AionisBinary.RunOkWithPeakRssAsync(timeseriesCli, CliEnvironment(context, small))).PeakRssMb,
                (await AionisBinary.RunOkWithPeakRssAsync(keyUsageCli, CliEnvironment(context, small))).PeakRssMb);
        }

        await using (var worker = new BenchWorker(large, context.WorkDirectory, end))
        {
            var env = CliEnvironment(context, large);
            var since = end - TimeSpan.FromHours(168);
            var recentStart = end - TimeSpan.FromHours(24);
            var rows = await ScalarAsync(large, $"SELECT count(*) {TimeseriesFilter}", TelemetryDataset.HotTenant, since);
            table.Info("timeseries: rows aggregated (hot tenant, 168 h)", rows.ToString("N0"));

            var ts = await CompareAsync(table, "timeseries", large, TimeseriesSql, [TelemetryDataset.HotTenant, since],
                () => worker.RunAsync("hosted-tenant-timeseries-export", timeseries), () => AionisBinary.RunOkWithPeakRssAsync(timeseriesCli, env));
            table.Add("timeseries: job in process / best plain SQL", ts.Job / ts.BestSql, "x", "<= 1.2", ts.Job <= 1.2 * ts.BestSql);
            table.Info("timeseries: job whole process / original's statements", $"{ts.WholeProcess / ts.Original:0.00}x (original's start-up not counted)");

            var ku = await CompareAsync(table, "key usage", large, KeyUsageSql, [TelemetryDataset.HotTenant, since, recentStart],
                () => worker.RunAsync("hosted-key-usage-anomaly", keyUsage), () => AionisBinary.RunOkWithPeakRssAsync(keyUsageCli, env));
            table.Add("key usage: job in process / best plain SQL", ku.Job / ku.BestSql, "x", "<= 1.2", ku.Job <= 1.2 * ku.BestSql);
            var originalWhole = ku.Original + OriginalStartupMs;
            table.Add($"key usage: job whole process / original whole process (statements + {OriginalStartupMs} ms start-up, #16)", ku.WholeProcess / originalWhole, "x", "<= 0.6", ku.WholeProcess <= 0.6 * originalWhole);
            table.Info("key usage: job whole process / original's statements alone", $"{ku.WholeProcess / ku.Original:0.00}x");
            table.Info("key usage: job in process / original's statements alone", $"{ku.Job / ku.Original:0.00}x");

            var longBaseline = new Dictionary<string, object?>(keyUsage) { ["baseline-hours"] = "336" };
            var job336 = Min(await RepeatAsync(Rounds, async () => (await worker.RunAsync("hosted-key-usage-anomaly", longBaseline)).Elapsed.TotalMilliseconds));
            table.Info("key usage: job in process, baseline 168 h / 336 h", $"{ku.Job:0} ms / {job336:0} ms ({job336 / ku.Job:0.00}x for 2.2x the rows)");

            var largeTimeseriesBytes = (await worker.RunAsync("hosted-tenant-timeseries-export", timeseries)).AllocatedBytes;
            var largeKeyUsageBytes = (await worker.RunAsync("hosted-key-usage-anomaly", keyUsage)).AllocatedBytes;
            var largePeakMb = Math.Max(ts.PeakRssMb, ku.PeakRssMb);
            table.Info("timeseries: allocated at 1M / 10M rows", $"{Mb(smallTimeseriesBytes)} / {Mb(largeTimeseriesBytes)} MB");
            table.Add("timeseries: allocation growth 1M -> 10M", (double)largeTimeseriesBytes / smallTimeseriesBytes, "x", "<= 1.5", largeTimeseriesBytes <= 1.5 * smallTimeseriesBytes);
            table.Info("key usage: allocated at 1M / 10M rows", $"{Mb(smallKeyUsageBytes)} / {Mb(largeKeyUsageBytes)} MB");
            table.Add("key usage: allocation growth 1M -> 10M", (double)largeKeyUsageBytes / smallKeyUsageBytes, "x", "<= 1.5", largeKeyUsageBytes <= 1.5 * smallKeyUsageBytes);
            table.Add("whole-process peak RSS 1M -> 10M (both jobs)", largePeakMb / smallPeakMb, "x", "<= 1.2", largePeakMb <= 1.2 * smallPeakMb);
            table.Info("whole-process peak RSS at 1M / 10M rows", $"{smallPeakMb:0} / {largePeakMb:0} MB");

            await CoveringIndexAsync(table, context, large, env, worker, timeseries, keyUsage, ts.Job, ku.Job);
        }
        return table.Print();
    }

    private sealed record Comparison(double Original, double BestSql, double Job, double WholeProcess, double PeakRssMb);

    /// <summary>Interleaved rounds: every competitor, the job in process and the job as a process, once per round; the fastest of each.</summary>
    private static async Task<Comparison> CompareAsync(BenchTable table, string label, string connectionString, SqlCompetitor[] competitors, object[] args,
        Func<Task<TimedRun>> inProcess, Func<Task<(Scale.TimedRun Run, double PeakRssMb)>> wholeProcess)
    {
        var sql = competitors.ToDictionary(c => c.Name, _ => new List<double>());
        var job = new List<double>();
        var whole = new List<double>();
        var peak = 0.0;
        await inProcess(); // warm-up: JIT in this process, the table's pages in the cache
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var competitor in competitors) sql[competitor.Name].Add((await BenchSql.TimeAsync(connectionString, competitor, args)).Elapsed.TotalMilliseconds);
            job.Add((await inProcess()).Elapsed.TotalMilliseconds);
            var (run, rss) = await wholeProcess();
            whole.Add(run.Wall.TotalMilliseconds);
            peak = Math.Max(peak, rss);
        }
        foreach (var competitor in competitors)
        {
            table.Info($"{label}: {competitor.Name}", $"{Min(sql[competitor.Name]):0} ms ({competitor.SettingsText})");
        }
        var best = competitors.MinBy(c => Min(sql[c.Name]))!;
        table.Info($"{label}: job in process / whole process (best of {Rounds})", $"{Min(job):0} ms / {Min(whole):0} ms");
        table.Info($"{label}: best plain SQL", $"{Min(sql[best.Name]):0} ms ({best.Name})");
        return new Comparison(Min(sql[competitors[0].Name]), Min(sql[best.Name]), Min(job), Min(whole), peak);
    }

    /// <summary>
    /// <c>aionis db tune --telemetry-index</c> on the 10M table: build time and size, the jobs with it, and single-row insert
    /// throughput of 4 concurrent writers without and with it. Dropped afterwards, so the dataset stays as generated.
    /// </summary>
    private static async Task CoveringIndexAsync(BenchTable table, BenchContext context, string connectionString, Dictionary<string, string?> env,
        BenchWorker worker, Dictionary<string, object?> timeseries, Dictionary<string, object?> keyUsage, double timeseriesMs, double keyUsageMs)
    {
        await ExecuteAsync(connectionString, TelemetryIndex.DropInvalidSql);
        var without = await InsertRateAsync(connectionString);
        var build = await AionisBinary.RunOkAsync(["db", "tune", "--telemetry-index"], env);
        await ExecuteAsync(connectionString, "VACUUM memory_request_telemetry"); // index-only scans need the visibility map, as autovacuum keeps it
        var size = await ScalarAsync(connectionString, $"SELECT pg_relation_size('{TelemetryIndex.Name}')");
        var ts = Min(await RepeatAsync(Rounds, async () => (await worker.RunAsync("hosted-tenant-timeseries-export", timeseries)).Elapsed.TotalMilliseconds));
        var ku = Min(await RepeatAsync(Rounds, async () => (await worker.RunAsync("hosted-key-usage-anomaly", keyUsage)).Elapsed.TotalMilliseconds));
        var with = await InsertRateAsync(connectionString);
        await ExecuteAsync(connectionString, TelemetryIndex.DropInvalidSql);

        table.Info("covering index: aionis db tune --telemetry-index (10M rows)", $"{build.Wall.TotalSeconds:0.0} s, {size / 1048576} MB");
        table.Info("covering index: timeseries job in process without / with", $"{timeseriesMs:0} / {ts:0} ms");
        table.Info("covering index: key usage job in process without / with", $"{keyUsageMs:0} / {ku:0} ms");
        table.Info("covering index: inserts, 4 writers, rows/s without / with", $"{without:N0} / {with:N0} ({(with / without - 1) * 100:+0;-0} %)");
    }

    /// <summary>4 connections inserting single rows in autocommit (as the API does) for 5 s; rows per second. The rows are removed after.</summary>
    private static async Task<double> InsertRateAsync(string connectionString)
    {
        var stop = DateTime.UtcNow.AddSeconds(5);
        var counts = await Task.WhenAll(Enumerable.Range(0, 4).Select(async writer =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO memory_request_telemetry (tenant_id, scope, endpoint, status_code, latency_ms, api_key_prefix)
                VALUES ('bench_writer', 'tenant:bench_writer::scope:default', 'recall', 200, $1, 'bench_writer_k1')
                """, connection);
            insert.Parameters.Add(new NpgsqlParameter { Value = 0.0 });
            var n = 0;
            while (DateTime.UtcNow < stop)
            {
                insert.Parameters[0].Value = 10.0 + n % 400;
                await insert.ExecuteNonQueryAsync();
                n++;
            }
            return n;
        }));
        await ExecuteAsync(connectionString, "DELETE FROM memory_request_telemetry WHERE tenant_id = 'bench_writer'");
        return counts.Sum() / 5.0;
    }

    private static Dictionary<string, string?> CliEnvironment(BenchContext context, string connectionString) => new()
    {
        ["ConnectionStrings__Aionis"] = connectionString,
        ["DATABASE_URL"] = null,
        ["Worker__NodeName"] = "bench",
        ["Worker__ArtifactsRoot"] = Path.Combine(context.WorkDirectory, "telemetry-cli"),
        ["Worker__SpoolDirectory"] = Path.Combine(context.WorkDirectory, "telemetry-cli", ".spool"),
    };

    private static async Task<string> ServerSettingsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings
             WHERE name IN ('work_mem', 'shared_buffers', 'max_parallel_workers_per_gather', 'max_parallel_workers', 'parallel_tuple_cost', 'jit')
            """, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<double>> RepeatAsync(int times, Func<Task<double>> measure)
    {
        var values = new List<double>();
        for (var i = 0; i < times; i++) values.Add(await measure());
        return values;
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql, params object[] args)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await TelemetryDataset.ExecuteAsync(connection, sql);
    }

    private static double Min(IEnumerable<double> values) => values.Min();

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}
