using System.Diagnostics;
using System.Text;
using Aionis.Data.History;
using Npgsql;

namespace Aionis.Bench.Scale;

/// <summary>
/// 1M rows in <c>worker.job_runs</c> over 1,000 registry tasks (30 days of history): <c>aionis history --task X --limit
/// 50</c> and <c>worker.task_status</c> for one task ≤ 100 ms, every task's status ≤ 1 s, no sequential scan of
/// job_runs. Prints each plan (EXPLAIN ANALYZE, BUFFERS) and writes them to the work folder.
/// </summary>
public sealed class HistoryQueriesBenchmark : IBenchmark
{
    private const int Tasks = 1000;
    private const int Rows = 1_000_000;
    private const int Repeats = 7;

    public string Name => "history-queries";
    public string Description => "1M job_runs over 1,000 tasks: history --task and task_status (one) ≤ 100 ms, all ≤ 1 s, no seq scan";

    public async Task<int> RunAsync(BenchContext context)
    {
        await using var db = await ScaleDatabase.CreateAsync(context, "bench_history");
        var registry = GeneratedRegistry.Write(Path.Combine(context.WorkDirectory, "history", "task_registry.yml"), Tasks, GeneratedRegistry.DailySchedule);
        await AionisBinary.RunOkAsync(["registry", "sync", "--registry", registry], db.EnvironmentFor("bench"));

        var load = Stopwatch.StartNew();
        await db.ExecuteAsync(FillHistory);
        await db.ExecuteAsync("VACUUM ANALYZE"); // what autovacuum would have done after these inserts
        load.Stop();

        var task = GeneratedRegistry.TaskId(417);
        var store = new RunHistoryStore(db.DataSource);
        var table = new BenchTable($"history-queries: {Rows:N0} rows of worker.job_runs over {Tasks:N0} tasks (median of {Repeats}, warm cache)");
        table.Info("rows loaded + VACUUM ANALYZE", $"{load.Elapsed.TotalSeconds:0.0} s");

        var history = await TimeAsync(() => store.ListAsync(new RunQuery(TaskId: task, Limit: 50)));
        var one = await TimeAsync(() => ReadAllAsync(db, $"SELECT * FROM worker.task_status WHERE task_id = '{task}'"));
        var all = await TimeAsync(() => ReadAllAsync(db, "SELECT * FROM worker.task_status"));
        table.Add($"aionis history --task {task} --limit 50", history, " ms", "≤ 100 ms", history <= 100);
        table.Add("worker.task_status, one task", one, " ms", "≤ 100 ms", one <= 100);
        table.Add($"worker.task_status, all {Tasks:N0} tasks", all, " ms", "≤ 1000 ms", all <= 1000);

        var plans = new StringBuilder();
        var seqScans = 0;
        foreach (var (name, sql) in new[]
        {
            ("history --task --limit 50", $"SELECT * FROM worker.job_runs WHERE task_id = '{task}' ORDER BY started_at DESC LIMIT 50"),
            ("task_status, one task", $"SELECT * FROM worker.task_status WHERE task_id = '{task}'"),
            ("task_status, all tasks", "SELECT * FROM worker.task_status"),
        })
        {
            var plan = await ExplainAsync(db, sql);
            if (plan.Contains("Seq Scan on job_runs", StringComparison.Ordinal)) seqScans++;
            plans.AppendLine($"-- {name}\n-- {sql}\n{plan}\n");
        }
        table.Add("plans with a sequential scan of job_runs", seqScans, "", "= 0", seqScans == 0);
        var planFile = Path.Combine(context.WorkDirectory, "history-plans.txt");
        await File.WriteAllTextAsync(planFile, plans.ToString());
        var exit = table.Print();
        Console.WriteLine($"\nplans ({planFile}):\n{plans}");
        return exit;
    }

    // 30 days of runs, spread evenly over the tasks; 2% failed, 1% gate_failed, a few timed out, the rest succeeded.
    private static readonly string FillHistory = $"""
        INSERT INTO worker.job_runs (run_id, task_id, job, trigger, dry_run, status, ok, exit_code, scheduled_for, started_at,
                                     finished_at, duration_ms, node, attempt, inputs)
        SELECT gen_random_uuid(), 'tenant_' || lpad((g % {Tasks})::text, 4, '0') || '_key_sla', 'hosted-key-rotation-sla', 'schedule', false,
               s.status, s.status = 'succeeded', CASE s.status WHEN 'succeeded' THEN 0 WHEN 'gate_failed' THEN 2 ELSE 1 END,
               t.at, t.at + interval '40 ms', t.at + interval '40 ms' + (g % 900) * interval '1 ms', 40 + g % 900,
               'node-' || g % 2, 1, jsonb_build_object()
          FROM generate_series(1, {Rows}) g
          CROSS JOIN LATERAL (SELECT now() - g * (interval '30 days' / {Rows}) AS at) t
          CROSS JOIN LATERAL (SELECT CASE WHEN g % 50 = 7 THEN 'failed' WHEN g % 100 = 3 THEN 'gate_failed'
                                          WHEN g % 997 = 5 THEN 'timed_out' ELSE 'succeeded' END AS status) s
        """;

    private static async Task<double> TimeAsync<T>(Func<Task<T>> query)
    {
        await query();
        var times = new List<double>();
        for (var i = 0; i < Repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            await query();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return Percentiles.Median(times);
    }

    private static async Task<int> ReadAllAsync(ScaleDatabase db, string sql)
    {
        await using var command = db.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync()) rows++;
        return rows;
    }

    private static async Task<string> ExplainAsync(ScaleDatabase db, string sql)
    {
        await using var command = db.DataSource.CreateCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql);
        await using var reader = await command.ExecuteReaderAsync();
        var plan = new StringBuilder();
        while (await reader.ReadAsync()) plan.AppendLine(reader.GetString(0));
        return plan.ToString();
    }
}
