namespace Aionis.Bench.Scale;

/// <summary>
/// <c>aionis registry sync</c> of a generated 1,000-task registry: into an empty schedule, again with no change (no
/// trigger row may change), and after changing 10 schedules (exactly those 10 rows rewritten). Wall time of the real
/// binary, process start included; the median of <see cref="Repeats"/> runs.
/// </summary>
public sealed class SchedulerSyncBenchmark : IBenchmark
{
    private const int Tasks = 1000;
    private const int Changed = 10;
    private const int Repeats = 3;

    public string Name => "scheduler-sync";
    public string Description => "registry sync of 1,000 tasks: empty DB ≤ 3 s, no-change ≤ 1 s touching no trigger row, 10 changes rewrite 10";

    public async Task<int> RunAsync(BenchContext context)
    {
        await using var db = await ScaleDatabase.CreateAsync(context, "bench_scheduler_sync");
        var env = db.EnvironmentFor("bench");
        var path = GeneratedRegistry.Write(Path.Combine(context.WorkDirectory, "sync", "task_registry.yml"), Tasks, GeneratedRegistry.DailySchedule);
        string[] sync = ["registry", "sync", "--registry", path];
        var table = new BenchTable($"scheduler-sync: {Tasks:N0} tasks, aionis registry sync (wall, process start included, median of {Repeats})");

        var validate = new List<double>();
        var first = new List<double>();
        for (var i = 0; i < Repeats; i++)
        {
            validate.Add((await AionisBinary.RunOkAsync(["registry", "validate", "--registry", path], env)).Wall.TotalSeconds);
            await db.ExecuteAsync("DELETE FROM worker.qrtz_cron_triggers; DELETE FROM worker.qrtz_triggers; DELETE FROM worker.qrtz_job_details;");
            first.Add((await AionisBinary.RunOkAsync(sync, env)).Wall.TotalSeconds);
        }
        var afterFirst = await db.TriggerRowsAsync();
        table.Add("validate only (aionis registry validate)", Percentiles.Median(validate), " s", "", true);
        table.Add("validate + sync into an empty schedule", Percentiles.Median(first), " s", "≤ 3 s", Percentiles.Median(first) <= 3);
        table.Add("trigger rows after it", afterFirst.Count, "", $"= {Tasks}", afterFirst.Count == Tasks);

        var second = new List<double>();
        for (var i = 0; i < Repeats; i++) second.Add((await AionisBinary.RunOkAsync(sync, env)).Wall.TotalSeconds);
        var touched = Differing(afterFirst, await db.TriggerRowsAsync());
        table.Add("second sync, no change", Percentiles.Median(second), " s", "≤ 1 s", Percentiles.Median(second) <= 1);
        table.Add("trigger rows touched by it", touched.Count, "", "= 0", touched.Count == 0);

        // Tasks 0..9 move by one hour; their inputs stay, so only their trigger rows may change.
        GeneratedRegistry.Write(path, Tasks, i => i < Changed ? $"{i % 60} {(i * 7 + 1) % 24} * * *" : GeneratedRegistry.DailySchedule(i));
        var beforeChange = await db.TriggerRowsAsync();
        var third = await AionisBinary.RunOkAsync(sync, env);
        var rewritten = Differing(beforeChange, await db.TriggerRowsAsync());
        var expected = Enumerable.Range(0, Changed).Select(GeneratedRegistry.TaskId).ToHashSet();
        table.Add($"sync after changing {Changed} schedules", third.Wall.TotalSeconds, " s", "", true);
        table.Add("trigger rows rewritten by it", rewritten.Count, "", $"= {Changed}, those", rewritten.SetEquals(expected));
        return table.Print();
    }

    private static HashSet<string> Differing(Dictionary<string, string> before, Dictionary<string, string> after) =>
        before.Keys.Union(after.Keys)
            .Where(id => before.GetValueOrDefault(id) != after.GetValueOrDefault(id))
            .ToHashSet(StringComparer.Ordinal);
}
