using System.Diagnostics;
using Aionis.Jobs.Framework;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Bench.Telemetry;

/// <summary>A run of a job through the worker's own runner, timed inside the process, with the bytes it allocated.</summary>
public sealed record TimedRun(RunResult Result, TimeSpan Elapsed, long AllocatedBytes);

/// <summary>The worker's services in this process against one database, with a fixed clock (the end of the generated data).</summary>
public sealed class BenchWorker : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IConfiguration _configuration;

    public BenchWorker(string connectionString, string workDirectory, DateTimeOffset now)
    {
        _configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aionis"] = connectionString,
            ["Worker:ArtifactsRoot"] = workDirectory,
            ["Worker:SpoolDirectory"] = Path.Combine(workDirectory, ".spool"),
            ["Worker:NodeName"] = "bench",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FixedClock(now));
        services.AddWorker(_configuration);
        _services = services.BuildServiceProvider();
    }

    public async Task<TimedRun> RunAsync(string job, IDictionary<string, object?> options)
    {
        var descriptor = JobCatalog.Default.Get(job);
        var bound = OptionBinder.Bind(descriptor, options, key => _configuration[key]);
        var runner = _services.GetRequiredService<JobRunner>();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        var result = await runner.RunAsync(new RunRequest(descriptor, bound), CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        if (result.ExitCode is not (0 or 2)) throw new InvalidOperationException($"{job} failed: {result.Error}");
        return new TimedRun(result, elapsed, bytes);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
