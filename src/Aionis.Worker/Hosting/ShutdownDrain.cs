using Aionis.Worker.Configuration;
using Aionis.Worker.Running;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Aionis.Worker.Hosting;

/// <summary>
/// SIGTERM: stop firing at once, give the runs already in flight <c>Worker:ShutdownGrace</c> to finish, then cancel the
/// rest (they end <c>cancelled</c>). Registered last, so the host stops it first, before Quartz shuts down.
/// </summary>
public sealed class ShutdownDrain(
    ISchedulerFactory schedulers,
    InFlightRuns runs,
    TimeProvider clock,
    IOptions<WorkerOptions> worker,
    ILogger<ShutdownDrain> logger) : IHostedService
{
    /// <summary>How long cancelled runs get to unwind and record themselves before Quartz shuts down regardless.</summary>
    public static readonly TimeSpan UnwindTime = TimeSpan.FromSeconds(10);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        if (scheduler.Status == SchedulerStatus.Running)
        {
            await scheduler.Standby(cancellationToken);
        }
        if (runs.Count == 0) return;

        var grace = worker.Value.ShutdownGrace;
        HostingLog.Draining(logger, runs.Count, grace);
        if (await runs.WaitUntilIdleAsync(grace, clock, cancellationToken)) return;

        HostingLog.GraceOver(logger, grace, runs.Count);
        runs.CancelAll();
        await runs.WaitUntilIdleAsync(UnwindTime, clock, cancellationToken);
    }
}
