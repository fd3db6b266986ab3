namespace Aionis.Bench.Scale;

/// <summary>
/// Process start vs a real job: <c>aionis --version</c> and <c>aionis job hosted-key-rotation-sla</c> on an empty schema
/// (whole process, the one-shot path: history row, job, summary), interleaved with the floor (the same statements and
/// summary from a bare Npgsql program published the same way, <c>bench/Aionis.Bench.JobFloor</c>), the median of each;
/// then <c>aionis serve</c> with 1,000 tasks until systemd would hear READY=1, on an empty schedule and on a restart
/// (schedule already synced).
/// </summary>
public sealed class ColdStartBenchmark : IBenchmark
{
    private const int Runs = 9;
    private const int Tasks = 1000;

    public string Name => "cold-start";
    public string Description => "SLA job on an empty schema ≤ 120 ms whole process; serve with 1,000 tasks READY ≤ 3 s";

    public async Task<int> RunAsync(BenchContext context)
    {
        await using var db = await ScaleDatabase.CreateAsync(context, "bench_cold_start");
        var env = db.EnvironmentFor("bench");
        var table = new BenchTable($"cold-start: the real aionis binary (median of {Runs}, interleaved)");
        table.Info("load before measuring (uptime)", File.ReadAllText("/proc/loadavg").Trim());
        table.Info("binary", AionisBinary.DllPath);

        await using (var create = db.DataSource.CreateCommand(
            "CREATE TABLE bench_floor_runs (id uuid PRIMARY KEY, job text, started_at timestamptz, finished_at timestamptz, status text, inputs jsonb, summary jsonb)"))
        {
            await create.ExecuteNonQueryAsync();
        }
        var version = new List<double>();
        var job = new List<double>();
        var floor = new List<double>();
        await AionisBinary.RunOkAsync(["job", GeneratedRegistry.Job], env);
        await JobFloor.RunOkAsync(db.ConnectionString);
        for (var i = 0; i < Runs; i++)
        {
            version.Add((await AionisBinary.RunOkAsync(["--version"], env)).Wall.TotalMilliseconds);
            job.Add((await AionisBinary.RunOkAsync(["job", GeneratedRegistry.Job], env)).Wall.TotalMilliseconds);
            floor.Add((await JobFloor.RunOkAsync(db.ConnectionString)).Wall.TotalMilliseconds);
        }
        var added = Percentiles.Median(job) - Percentiles.Median(version);
        table.Add("aionis --version", Percentiles.Median(version), " ms", "", true);
        table.Add($"aionis job {GeneratedRegistry.Job}, empty schema", Percentiles.Median(job), " ms", "≤ 120 ms", Percentiles.Median(job) <= 120);
        table.Info("what the job adds over process start", $"{added:0} ms");
        table.Add("floor: the job's statements and summary from a bare Npgsql program (no worker)", Percentiles.Median(floor), " ms", "", true);
        table.Info("job / floor", $"{Percentiles.Median(job) / Percentiles.Median(floor):0.00}x; the floor's runs {string.Join(" ", floor.Select(f => $"{f:0}"))} ms");

        var registry = GeneratedRegistry.Write(Path.Combine(context.WorkDirectory, "cold-start", "task_registry.yml"), Tasks, GeneratedRegistry.DailySchedule);
        foreach (var start in new[] { "first start, empty schedule", "restart, schedule synced" })
        {
            await using var serve = ServeNode.Start(context.WorkDirectory, "cold", registry, env);
            var ready = await serve.WaitReadyAsync(TimeSpan.FromMinutes(2));
            table.Add($"serve READY with {Tasks:N0} tasks, {start}", ready.TotalSeconds, " s", "≤ 3 s", ready.TotalSeconds <= 3);
        }
        return table.Print();
    }
}
