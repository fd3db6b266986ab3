using Aionis.Jobs.Framework;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Tests.Support;

/// <summary>
/// The worker's services in-process against a test database: run any job the way the CLI and the scheduler do
/// (history row, dry-run, exit code), with configuration given as key/value pairs.
/// </summary>
public sealed class WorkerHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    /// <param name="configure">Runs after the worker's own registrations (e.g. a log capture).</param>
    public WorkerHarness(TestDatabase? database, IDictionary<string, string?>? settings = null, TimeProvider? clock = null,
        Action<IServiceCollection>? configure = null)
    {
        ArtifactsRoot = Directory.CreateTempSubdirectory("aionis-artifacts-").FullName;
        var values = new Dictionary<string, string?>
        {
            ["Worker:ArtifactsRoot"] = ArtifactsRoot,
            ["Worker:SpoolDirectory"] = Path.Combine(ArtifactsRoot, ".spool"),
            ["Worker:NodeName"] = "test-node",
        };
        if (database is not null) values["ConnectionStrings:Aionis"] = database.ConnectionString;
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var services = new ServiceCollection();
        if (clock is not null) services.AddSingleton(clock);
        services.AddWorker(Configuration);
        configure?.Invoke(services);
        _services = services.BuildServiceProvider();
    }

    public IConfigurationRoot Configuration { get; }
    public string ArtifactsRoot { get; }
    public IServiceProvider Services => _services;

    /// <summary>Binds options exactly as the CLI does (names without --, values as text or typed) and runs the job.</summary>
    public Task<RunResult> RunAsync(string job, IDictionary<string, object?>? options = null, bool dryRun = false, string? taskId = null, CancellationToken cancellationToken = default)
    {
        var descriptor = JobCatalog.Default.Get(job);
        var bound = OptionBinder.Bind(descriptor, options ?? new Dictionary<string, object?>(), key => Configuration[key]);
        return _services.GetRequiredService<JobRunner>().RunAsync(new RunRequest(descriptor, bound) { DryRun = dryRun, TaskId = taskId }, cancellationToken);
    }

    /// <summary>The summary of a run as JSON, the way stdout prints it.</summary>
    public static System.Text.Json.JsonElement SummaryJson(RunResult result) =>
        System.Text.Json.JsonDocument.Parse(JobJson.Serialize(result.Summary)).RootElement;

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        try { Directory.Delete(ArtifactsRoot, recursive: true); } catch (IOException) { }
    }
}
