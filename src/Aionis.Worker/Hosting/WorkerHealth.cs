using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Running;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Aionis.Worker.Hosting;

/// <summary>Whether the worker is alive, and what to tell systemd about it (<c>STATUS=</c>).</summary>
public sealed record HealthReport(bool Alive, string Status);

/// <summary>
/// What the systemd watchdog proves before each <c>WATCHDOG=1</c>: the scheduler is started, and this node's Quartz
/// cluster check-in is fresh whenever the database answers. A database outage is not a reason to be restarted (the
/// worker waits it out and spools runs), so an unreachable database still counts as alive, with a status saying so.
/// </summary>
public sealed class WorkerHealth(
    ISchedulerFactory schedulers,
    NpgsqlDataSource dataSource,
    InFlightRuns runs,
    IOptions<WorkerOptions> worker,
    TimeProvider clock)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A check-in older than this, with the database answering, means the scheduler's loops are stuck.</summary>
    public TimeSpan StaleCheckin => worker.Value.ClusterCheckinInterval * 4 + QuartzSetup.DatabaseRetryInterval;

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        if (scheduler.Status != SchedulerStatus.Running)
        {
            return new HealthReport(false, $"scheduler is {scheduler.Status}, not running");
        }
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probe.CancelAfter(ProbeTimeout);
        DateTimeOffset? checkin;
        try
        {
            checkin = await LastCheckinAsync(probe.Token);
        }
        catch (Exception e) when (PostgresFailures.IsUnreachable(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new HealthReport(true, "database unreachable: no task can fire until it is back; finished runs are spooled");
        }
        var now = clock.GetUtcNow();
        if (checkin is null || now - checkin > StaleCheckin)
        {
            return new HealthReport(false, $"scheduler has not checked in with the cluster since {checkin?.ToString("O") ?? "it started"}");
        }
        return new HealthReport(true, $"running: {runs.Count} run(s) in flight");
    }

    public async Task<DateTimeOffset?> LastCheckinAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT to_timestamp(last_checkin_time / 1e7 - 62135596800)
              FROM worker.qrtz_scheduler_state
             WHERE sched_name = $1 AND instance_name = $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = QuartzSetup.SchedulerName });
        command.Parameters.Add(new NpgsqlParameter { Value = worker.Value.NodeName });
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }
}
