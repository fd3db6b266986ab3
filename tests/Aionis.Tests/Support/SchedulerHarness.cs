using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Hosting;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Quartz;

namespace Aionis.Tests.Support;

/// <summary>The persisted schedule of a test database through a never-started scheduler, as the CLI sees it.</summary>
public sealed class SchedulerHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private SchedulerHarness(ServiceProvider services, IScheduler scheduler)
    {
        _services = services;
        Scheduler = scheduler;
    }

    public IScheduler Scheduler { get; }
    public RegistrySynchronizer Synchronizer => _services.GetRequiredService<RegistrySynchronizer>();

    /// <summary>The data source of the sync's connection, which Quartz's job store runs its statements on.</summary>
    public NpgsqlDataSource EnlistedDataSource => _services.GetRequiredKeyedService<NpgsqlDataSource>(QuartzSetup.EnlistedDataSource);

    /// <summary>A service of the worker's own wiring (operator alerts, the scheduler factory, ...).</summary>
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public static async Task<SchedulerHarness> CreateAsync(TestDatabase database, string instanceId = "test-client")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aionis"] = database.ConnectionString,
            ["Worker:NodeName"] = "test-node",
            ["Worker:SpoolDirectory"] = Path.Combine(Path.GetTempPath(), "aionis-test-spool"),
        }).Build();
        var services = new ServiceCollection();
        services.AddWorker(configuration);
        services.AddModules(configuration, new SchedulingModule(new DatabaseSettings(database.ConnectionString), WorkerOptions.From(configuration), $"{instanceId}-{Guid.NewGuid():N}"));
        var provider = services.BuildServiceProvider();
        return new SchedulerHarness(provider, await provider.GetRequiredService<ISchedulerFactory>().GetScheduler());
    }

    public static TaskRegistry Parse(string yaml) => new RegistryLoader(JobCatalog.Default, _ => null).Parse("task_registry.yml", yaml);

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
