namespace Aionis.Bench.Scale;

/// <summary><c>aionis serve</c> with 1,000 tasks (daily schedules, so it idles): resident memory after READY and a quiet minute.</summary>
public sealed class ServeMemoryBenchmark : IBenchmark
{
    private const int Tasks = 1000;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(60);

    public string Name => "serve-memory";
    public string Description => "serve with 1,000 tasks idles at ≤ 150 MB RSS";

    public async Task<int> RunAsync(BenchContext context)
    {
        await using var db = await ScaleDatabase.CreateAsync(context, "bench_serve_memory");
        var registry = GeneratedRegistry.Write(Path.Combine(context.WorkDirectory, "serve-memory", "task_registry.yml"), Tasks, GeneratedRegistry.DailySchedule);
        await using var serve = ServeNode.Start(context.WorkDirectory, "memory", registry, db.EnvironmentFor("memory"));
        await serve.WaitReadyAsync(TimeSpan.FromMinutes(2));
        var atReady = serve.RssMegabytes();
        var samples = new List<double>();
        for (var waited = TimeSpan.Zero; waited < Idle; waited += TimeSpan.FromSeconds(5))
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            samples.Add(serve.RssMegabytes());
        }
        var table = new BenchTable($"serve-memory: aionis serve with {Tasks:N0} tasks, VmRSS from /proc");
        table.Add("RSS at READY", atReady, " MB", "", true);
        table.Add($"RSS after {Idle.TotalSeconds:0} s idle (highest sample)", samples.Max(), " MB", "≤ 150 MB", samples.Max() <= 150);
        return table.Print();
    }
}
