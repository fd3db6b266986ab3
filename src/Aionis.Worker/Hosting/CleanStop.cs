using Aionis.Worker.Configuration;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aionis.Worker.Hosting;

/// <summary>
/// The end of a clean stop (SIGTERM, Ctrl+C), after the drain and Quartz's own shutdown: removes this node's row from
/// the cluster's check-in table and says that the worker stopped. Quartz leaves the row behind, so the next start of
/// the same node took its own earlier row for a crashed instance ("detected 1 failed or restarted instances") and
/// recovered work that had in fact finished. Registered before Quartz's hosted service, so it stops after it.
/// </summary>
public sealed class CleanStop(PersistedSchedule schedule, IOptions<WorkerOptions> worker, ILogger<CleanStop> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var node = worker.Value.NodeName;
        try
        {
            await schedule.ForgetInstanceAsync(QuartzSetup.SchedulerName, node, cancellationToken);
        }
        catch (Exception e) when (Aionis.Jobs.Framework.PostgresFailures.IsUnreachable(e))
        {
            // The other nodes (or this one's next start) then treat it as failed, which is safe.
            HostingLog.SignOffFailed(logger, node, e.Message);
            return;
        }
        HostingLog.StoppedCleanly(logger, node);
    }
}
