using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Aionis.Worker.Hosting;

/// <summary>
/// With <c>Worker:DemoKickoff</c> (the local-run script sets it): once the scheduler runs, enqueue one dry run of every
/// enabled task, so a newcomer sees history rows within a minute instead of waiting for tonight's schedule.
/// </summary>
public sealed class DemoKickoff(
    RegistryFile file,
    TaskEnqueuer enqueuer,
    ISchedulerFactory schedulers,
    IHostApplicationLifetime lifetime,
    ILogger<DemoKickoff> logger) : BackgroundService
{
    public const string DemoKickoffTrigger = "demo_kickoff";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
        if (file.LastGood is not { } registry) return;
        var scheduler = await schedulers.GetScheduler(stoppingToken);
        foreach (var task in registry.Tasks.Where(t => t.Enabled))
        {
            await enqueuer.EnqueueAsync(scheduler, task.Id, dryRun: true, new Dictionary<string, object?>(), DemoKickoffTrigger, stoppingToken);
        }
        HostingLog.DemoKickoff(logger, registry.Tasks.Count(t => t.Enabled));
    }
}
