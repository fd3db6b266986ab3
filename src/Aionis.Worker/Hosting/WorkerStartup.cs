using Aionis.Data;
using Aionis.Data.History;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Running;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Aionis.Worker.Hosting;

/// <summary>
/// What <c>serve</c> does before the scheduler starts (and so before systemd hears READY=1): wait for the database,
/// check the schema, mark this node's interrupted runs <c>abandoned</c>, write spooled runs, sync the registry.
/// The schedule lives in the database, so while it does not answer the worker waits (and tells systemd it is still
/// starting) instead of crashing into a restart loop.
/// </summary>
public sealed class WorkerStartup(
    DatabaseSettings database,
    RunHistoryStore history,
    RunSpool spool,
    RegistrySyncService registry,
    OperatorNotifications notifications,
    ISchedulerFactory schedulers,
    TimeProvider clock,
    IOptions<WorkerOptions> worker,
    ILogger<WorkerStartup> logger,
    ISystemdNotifier? systemd = null) : IHostedService
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await CheckSchemaAsync(cancellationToken);
                await PrepareAsync(cancellationToken);
                ReleaseStartupMemory();
                return;
            }
            catch (Exception e) when (PostgresFailures.IsUnreachable(e))
            {
                var target = DatabaseConnection.Describe(database.Require());
                HostingLog.DatabaseUnreachable(logger, target, e.Message, delay);
                systemd?.Notify(new ServiceState($"STATUS=waiting for database {target}"));
                // Type=notify: each retry extends the start timeout, so a long outage at boot is waited out, not restarted.
                systemd?.Notify(new ServiceState($"EXTEND_TIMEOUT_USEC={(long)(delay + MaxRetryDelay).TotalMicroseconds}"));
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromSeconds(Math.Min(MaxRetryDelay.TotalSeconds, delay.TotalSeconds * 2));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Parsing and syncing a large registry allocates tens of MB once; the daemon then idles for hours between fires, and
    /// the GC would keep that heap committed. One compacting collection before READY hands it back to the OS
    /// (1,000 tasks: about 30 MB less resident memory, docs/performance.md).
    /// </summary>
    private static void ReleaseStartupMemory() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    private async Task CheckSchemaAsync(CancellationToken cancellationToken)
    {
        var pending = await new DatabaseMigrator(database.Require()).PendingAsync(cancellationToken);
        if (pending.Count > 0)
        {
            throw new ConfigurationException($"the worker schema is not up to date ({string.Join(", ", pending)} pending): run 'aionis db migrate'");
        }
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var node = worker.Value.NodeName;
        var interrupted = (await history.RunningOnNodeAsync(node, cancellationToken))
            .Where(run => !CliRunIdentity.IsLive(run.FireInstanceId))
            .ToList();
        var abandoned = await history.AbandonAsync(interrupted.Select(r => r.RunId).ToList(),
            $"node {node} stopped before the run finished", clock.GetUtcNow(), cancellationToken);
        if (abandoned > 0)
        {
            HostingLog.InterruptedRunsAbandoned(logger, abandoned, node);
        }
        await spool.ReplayAsync(history, cancellationToken);
        await registry.SyncAsync(cancellationToken);
        await notifications.RunsAbandonedAsync(await schedulers.GetScheduler(cancellationToken), interrupted, cancellationToken);
    }
}
