using System.Globalization;
using Aionis.Bench.Telemetry;
using Aionis.Jobs.Reports.BurnRate;

namespace Aionis.Bench.Reports;

/// <summary>
/// slo-burn-rate on 10M telemetry rows over 30 days (1M in its 3-day window), in interleaved rounds with plain SQL that
/// yields the same seven windows: the job's one-pass statement alone, one statement per window, and a GROUP BY of the
/// window each row first falls in (summed up by the client). The job is timed through the worker's runner (history row
/// and report files included). Also printed: a bare count of the 3 days, the least any answer can cost, and the load.
/// </summary>
public sealed class SloBurnRateBenchmark : IBenchmark
{
    private const long Rows = 10_000_000;
    private const int Days = 30, Rounds = 3;

    public string Name => "slo-burn-rate";
    public string Description => "slo-burn-rate's seven windows in one pass over 10M telemetry rows vs the best plain SQL";

    private const string Range = "FROM memory_request_telemetry WHERE created_at >= $1::timestamptz - interval '3 days' AND created_at < $1::timestamptz";

    private static SqlCompetitor[] Competitors()
    {
        var perWindow = BurnRateRules.Windows.Select(w => $"""
            SELECT count(*), count(*) FILTER (WHERE status_code >= 500)
              FROM memory_request_telemetry WHERE created_at >= $1::timestamptz - interval '{(long)w.Span.TotalSeconds} seconds' AND created_at < $1::timestamptz
            """).ToList();
        var bucket = string.Join("\n", BurnRateRules.Windows.Select((w, i) => $"WHEN created_at >= $1::timestamptz - interval '{(long)w.Span.TotalSeconds} seconds' THEN {i}"));
        return
        [
            new("the job's statement (filtered aggregates, one pass)", BurnRateReader.Sql.Replace("$2::interval", "interval '3 days'", StringComparison.Ordinal)),
            new("one statement per window (7)", perWindow),
            new("GROUP BY the first window a row falls in", $"SELECT CASE {bucket} END, count(*), count(*) FILTER (WHERE status_code >= 500) {Range} GROUP BY 1"),
        ];
    }

    public async Task<int> RunAsync(BenchContext context)
    {
        var end = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        var (connectionString, dataEnd) = await TelemetryDataset.EnsureAsync(context.PostgresAdmin, "bench_burn_rate", Rows, Days, end);
        await using var worker = new BenchWorker(connectionString, context.WorkDirectory, dataEnd);
        var competitors = Competitors();
        var lowerBound = new SqlCompetitor("bare count of the 3 days (lower bound, not an answer)", $"SELECT count(*), count(*) FILTER (WHERE status_code >= 500) {Range}");
        var options = new Dictionary<string, object?> { ["out-dir"] = Path.Combine(context.WorkDirectory, "burn-rate") };

        await worker.RunAsync("slo-burn-rate", options);
        var job = double.MaxValue;
        var plain = new double[competitors.Length];
        Array.Fill(plain, double.MaxValue);
        var bound = double.MaxValue;
        var load = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            load.Add(File.ReadAllText("/proc/loadavg").Split(' ')[0]);
            job = Math.Min(job, (await worker.RunAsync("slo-burn-rate", options)).Elapsed.TotalMilliseconds);
            for (var i = 0; i < competitors.Length; i++)
                plain[i] = Math.Min(plain[i], (await BenchSql.TimeAsync(connectionString, competitors[i], dataEnd)).Elapsed.TotalMilliseconds);
            bound = Math.Min(bound, (await BenchSql.TimeAsync(connectionString, lowerBound, dataEnd)).Elapsed.TotalMilliseconds);
        }

        var best = plain.Min();
        var table = new BenchTable($"slo-burn-rate: 7 windows over {Rows * TelemetryDataset.Scale:N0} rows ({Days} days), best of {Rounds} interleaved rounds");
        table.Add("slo-burn-rate (runner, history row, report files)", job, " ms", "", true);
        for (var i = 0; i < competitors.Length; i++) table.Add($"plain: {competitors[i].Name}", plain[i], " ms", "", true);
        table.Add($"plain: {lowerBound.Name}", bound, " ms", "", true);
        table.Info("load average (1 min) at each round", string.Join(", ", load));
        table.Add("job / best plain SQL", job / best, "x", "<= 1.3", job / best <= 1.3);
        return table.Print();
    }
}
