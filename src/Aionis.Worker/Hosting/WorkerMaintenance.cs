using Aionis.Data.History;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Running;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Aionis.Worker.Hosting;

/// <summary>
/// The worker's own housekeeping while <c>serve</c> runs: write spooled run records once the database is back, lift
/// expired pauses, mark runs of cluster nodes that stopped checking in as <c>abandoned</c>, and check for overdue tasks.
/// </summary>
public sealed class WorkerMaintenance(
    RunHistoryStore history,
    RunSpool spool,
    TaskPauses pauses,
    RegistryFile registry,
    OperatorNotifications notifications,
    ISchedulerFactory schedulers,
    TimeProvider clock,
    IOptions<WorkerOptions> worker,
    ILogger<WorkerMaintenance> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (PostgresFailures.IsUnreachable(e))
            {
                HostingLog.MaintenanceSkipped(logger, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                HostingLog.MaintenanceFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        if (spool.Count > 0)
        {
            await spool.ReplayAsync(history, cancellationToken);
        }
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var task in await pauses.ResumeExpiredAsync(scheduler, cancellationToken))
        {
            HostingLog.PauseExpired(logger, task);
        }
        var grace = worker.Value.ClusterCheckinInterval * 4;
        var abandoned = await history.AbandonRunningOfSilentNodesAsync(QuartzSetup.SchedulerName, grace, clock.GetUtcNow(), cancellationToken);
        foreach (var run in abandoned)
        {
            HostingLog.SilentNodeRunAbandoned(logger, run.RunId, run.TaskId ?? run.Job, run.Node);
        }
        await notifications.RunsAbandonedAsync(scheduler, abandoned, cancellationToken);
        if (registry.LastGood is { } tasks)
        {
            await notifications.CheckOverdueAsync(tasks, cancellationToken);
        }
    }
}
