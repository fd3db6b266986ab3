using System.CommandLine;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quartz;

namespace Aionis.Worker.Cli;

/// <summary>
/// A scheduler that is never started: the CLI's handle on the persisted schedule (sync, enqueue, pause). Its instance id
/// is its own, so it never poses as a running node.
/// </summary>
public sealed class SchedulerClient : IAsyncDisposable
{
    private SchedulerClient(ServiceProvider services, IScheduler scheduler)
    {
        Services = services;
        Scheduler = scheduler;
    }

    public ServiceProvider Services { get; }
    public IScheduler Scheduler { get; }

    public static async Task<SchedulerClient> ConnectAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var configuration = CliServices.Configuration(parse);
        var services = new ServiceCollection();
        services.AddWorker(configuration);
        var database = new DatabaseSettings(Aionis.Data.DatabaseConnection.Resolve(configuration));
        var worker = WorkerOptions.From(configuration);
        services.AddModules(configuration, new SchedulingModule(database, worker, $"{worker.NodeName}-cli-{Environment.ProcessId}"));
        var provider = services.BuildServiceProvider();
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler(cancellationToken);
        return new SchedulerClient(provider, scheduler);
    }

    public string NodeName => Services.GetRequiredService<IOptions<WorkerOptions>>().Value.NodeName;

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();
}
