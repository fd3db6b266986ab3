using System.Globalization;

namespace Aionis.Bench.Scale;

/// <summary>
/// 200 tasks firing every 10 s (<c>overlap: allow</c>) on one node, then on two nodes sharing the database: the lag of
/// each run (<c>started_at − scheduled_for</c> in worker.job_runs), p50 and p99, and every fire of the window exactly once.
/// The window is 5 minutes (<c>AIONIS_BENCH_FIRE_LAG_MINUTES</c> shortens it for a quick look).
/// </summary>
public sealed class FireLagBenchmark : IBenchmark
{
    private const int Tasks = 200;
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    public string Name => "scheduler-fire-lag";
    public string Description => "200 tasks every 10 s for 5 min on 1 then 2 nodes: p99 lag ≤ 1 s, no fire missed or doubled";

    public async Task<int> RunAsync(BenchContext context)
    {
        var minutes = double.Parse(context.Environment.GetValueOrDefault("AIONIS_BENCH_FIRE_LAG_MINUTES") ?? "5", CultureInfo.InvariantCulture);
        var window = TimeSpan.FromMinutes(minutes);
        var table = new BenchTable($"scheduler-fire-lag: {Tasks} tasks every {Period.TotalSeconds:0} s for {window.TotalMinutes:0.#} min");
        foreach (var nodes in new[] { 1, 2 })
        {
            await MeasureAsync(context, nodes, window, table);
        }
        return table.Print();
    }

    private static async Task MeasureAsync(BenchContext context, int nodes, TimeSpan window, BenchTable table)
    {
        await using var db = await ScaleDatabase.CreateAsync(context, $"bench_fire_lag_{nodes}");
        var registry = GeneratedRegistry.Write(Path.Combine(context.WorkDirectory, $"fire-lag-{nodes}", "task_registry.yml"), Tasks, _ => "0/10 * * * * ?", overlap: "allow");
        await AionisBinary.RunOkAsync(["registry", "sync", "--registry", registry], db.EnvironmentFor("bench"));

        var serves = Enumerable.Range(1, nodes)
            .Select(n => ServeNode.Start(context.WorkDirectory, $"lag{nodes}-node-{n}", registry, db.EnvironmentFor($"node-{n}")))
            .ToList();
        DateTimeOffset from, to;
        try
        {
            foreach (var serve in serves) await serve.WaitReadyAsync(TimeSpan.FromMinutes(2));
            // Whole periods only, starting once every node is up and has had a period to settle.
            from = NextSlot(DateTimeOffset.UtcNow + Period);
            to = from + window;
            await Task.Delay(to - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(15));
        }
        finally
        {
            foreach (var serve in serves) await serve.DisposeAsync();
        }

        var label = nodes == 1 ? "1 node" : $"{nodes} nodes";
        var (lags, distinctFires, doubled, perNode, rounds) = await ReadFiresAsync(db, from, to);
        var expected = (int)(window / Period) * Tasks;
        var missed = expected - distinctFires;
        table.Add($"{label}: fires in the window", lags.Count, "", $"= {expected}", lags.Count == expected);
        table.Add($"{label}: lag p50", Percentiles.Of(lags, 50), " ms", "", true);
        table.Add($"{label}: lag p99", Percentiles.Of(lags, 99), " ms", "≤ 1000 ms", Percentiles.Of(lags, 99) <= 1000);
        table.Add($"{label}: lag max", lags.Count == 0 ? double.NaN : lags.Max(), " ms", "", true);
        table.Add($"{label}: fires missed", missed, "", "= 0", missed == 0);
        table.Add($"{label}: fires doubled", doubled, "", "= 0", doubled == 0);
        if (nodes > 1) table.Info($"{label}: runs per node", perNode);
        table.Info($"{label}: last start of a round, median / slowest", rounds);
    }

    private static DateTimeOffset NextSlot(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % Period.Ticks + Period.Ticks, TimeSpan.Zero);

    private static async Task<(List<double> Lags, int DistinctFires, int Doubled, string PerNode, string Rounds)> ReadFiresAsync(
        ScaleDatabase db, DateTimeOffset from, DateTimeOffset to)
    {
        await using var command = db.DataSource.CreateCommand("""
            SELECT extract(epoch FROM started_at - scheduled_for) * 1000, task_id, scheduled_for, node
              FROM worker.job_runs
             WHERE trigger IN ('schedule', 'catch_up') AND scheduled_for >= $1 AND scheduled_for < $2
            """);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        await using var reader = await command.ExecuteReaderAsync();
        var lags = new List<double>();
        var fires = new Dictionary<(string, DateTime), int>();
        var nodes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        // A round is one scheduled second (all 200 tasks): its last start shows whether slow fires cluster in a few rounds.
        var roundLast = new Dictionary<DateTime, double>();
        while (await reader.ReadAsync())
        {
            var lag = (double)reader.GetDecimal(0);
            var scheduled = reader.GetDateTime(2);
            lags.Add(lag);
            roundLast[scheduled] = Math.Max(roundLast.GetValueOrDefault(scheduled), lag);
            var key = (reader.GetString(1), scheduled);
            fires[key] = fires.GetValueOrDefault(key) + 1;
            nodes[reader.GetString(3)] = nodes.GetValueOrDefault(reader.GetString(3)) + 1;
        }
        var slowest = roundLast.Count == 0 ? default : roundLast.MaxBy(r => r.Value);
        var rounds = roundLast.Count == 0 ? "none" :
            $"{Percentiles.Median(roundLast.Values):0} / {slowest.Value:0} ms (round of {slowest.Key:HH:mm:ss} UTC)";
        return (lags, fires.Count, fires.Values.Count(n => n > 1), string.Join(", ", nodes.Select(n => $"{n.Key} {n.Value}")), rounds);
    }
}
