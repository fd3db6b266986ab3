using Aionis.Data.Monitoring;
using Aionis.Jobs.Backups;
using Aionis.Worker.Configuration;
using Aionis.Worker.Hosting;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aionis.Worker.Monitoring;

/// <summary>
/// Reads the task gauges' sample every <see cref="Interval"/>: the dead-man switch's view of every enabled task of the
/// synced registry, the cluster's fresh check-ins and, for stanzas a live pitr-archive-check has looked at, the RPO
/// exposure of the worker's database server.
/// </summary>
public sealed class TaskGaugeSampler(
    TaskGauges gauges,
    RegistryFile registry,
    OperatorNotifications notifications,
    MonitoringStore store,
    PitrServerReader archiver,
    IOptions<WorkerOptions> worker,
    TimeProvider clock,
    ILogger<TaskGaugeSampler> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                gauges.Report(await SampleAsync(stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                gauges.Report(null);
                MonitoringLog.SampleFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<TaskGaugeSample?> SampleAsync(CancellationToken cancellationToken)
    {
        if (registry.LastGood is not { } synced) return null;
        var now = clock.GetUtcNow();
        var candidates = await notifications.OverdueCandidatesAsync(synced.Tasks.Where(t => t.Enabled).ToList(), cancellationToken);
        var tasks = candidates
            .Select(t => new TaskGaugeSample.TaskState(t.TaskId, t.LastSuccessAt is { } at ? (now - at).TotalSeconds : null, t.IsOverdue(now)))
            .ToList();
        var nodes = await store.NodesAliveAsync(QuartzSetup.SchedulerName, now - worker.Value.ClusterCheckinInterval * 4, cancellationToken);
        var checks = await store.ArchiveChecksAsync(cancellationToken);
        var stanzas = new List<TaskGaugeSample.StanzaState>();
        if (checks.Count > 0)
        {
            // One server, so one exposure; reported per stanza the checks name (normally the one configured).
            var exposure = (await archiver.ReadArchiverAsync(cancellationToken)).RpoExposureSeconds(now);
            stanzas.AddRange(checks.Select(c => new TaskGaugeSample.StanzaState(c.Stanza, exposure, (now - c.CheckedAt).TotalSeconds)));
        }
        return new TaskGaugeSample(tasks, nodes, stanzas);
    }
}
