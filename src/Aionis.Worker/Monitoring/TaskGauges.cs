using System.Diagnostics.Metrics;
using Aionis.Worker.Running;

namespace Aionis.Worker.Monitoring;

/// <summary>One sample of what the task gauges report (read from the database by <see cref="TaskGaugeSampler"/>).</summary>
public sealed record TaskGaugeSample(
    IReadOnlyList<TaskGaugeSample.TaskState> Tasks,
    long NodesAlive,
    IReadOnlyList<TaskGaugeSample.StanzaState> Stanzas)
{
    public sealed record TaskState(string TaskId, double? LastSuccessAgeSeconds, bool Overdue);

    public sealed record StanzaState(string Stanza, double RpoExposureSeconds, double CheckAgeSeconds);
}

/// <summary>
/// Gauges a Prometheus rule can alert on (deploy/prometheus/aionis-rules.yml), on the worker's meter: per task the
/// seconds since its last successful live run and whether it is overdue, runs in flight on this node, cluster nodes
/// checking in, and per pgBackRest stanza the RPO exposure. The callbacks only read the last sample, so a scrape never
/// waits on the database; while it is unreachable the database-backed gauges report nothing (the sample is dropped).
/// </summary>
public sealed class TaskGauges
{
    private readonly Meter _meter = WorkerTelemetry.Meter;
    private TaskGaugeSample? _sample;

    /// <remarks>
    /// On the one static <c>Aionis.Worker</c> meter (not a second one from <see cref="IMeterFactory"/>), whose instruments
    /// live as long as the process: one instance per process (serve's singleton).
    /// </remarks>
    public TaskGauges(InFlightRuns runs)
    {
        _meter.CreateObservableGauge("aionis.task.last_success_age", () => Observe(s => s.Tasks
                .Where(t => t.LastSuccessAgeSeconds is not null)
                .Select(t => new Measurement<double>(t.LastSuccessAgeSeconds!.Value, Tag("task", t.TaskId)))),
            unit: "s", description: "Seconds since the task's last successful live run (no series before its first)");
        _meter.CreateObservableGauge("aionis.task.overdue", () => Observe(s => s.Tasks
                .Select(t => new Measurement<int>(t.Overdue ? 1 : 0, Tag("task", t.TaskId)))),
            description: "1 when the task's last success is older than its overdue_after (default twice its period), as the dead-man switch sees it");
        _meter.CreateObservableGauge("aionis.runs.in_flight", () => runs.Count, unit: "{run}",
            description: "Scheduled runs executing on this node");
        _meter.CreateObservableGauge("aionis.cluster.nodes_alive", () => Observe<long>(s => [new Measurement<long>(s.NodesAlive)]), unit: "{node}",
            description: "Scheduler nodes of the cluster whose check-in is fresh");
        _meter.CreateObservableGauge("aionis.pitr.rpo_exposure", () => Observe(s => s.Stanzas
                .Select(z => new Measurement<double>(z.RpoExposureSeconds, Tag("stanza", z.Stanza)))),
            unit: "s", description: "Age of the last archived WAL while newer WAL is unarchived (0 when all is archived), per pgBackRest stanza");
        _meter.CreateObservableGauge("aionis.pitr.archive_check_age", () => Observe(s => s.Stanzas
                .Select(z => new Measurement<double>(z.CheckAgeSeconds, Tag("stanza", z.Stanza)))),
            unit: "s", description: "Seconds since the last live pitr-archive-check of the stanza");
    }

    public void Report(TaskGaugeSample? sample) => Volatile.Write(ref _sample, sample);

    private IEnumerable<Measurement<T>> Observe<T>(Func<TaskGaugeSample, IEnumerable<Measurement<T>>> measure) where T : struct =>
        Volatile.Read(ref _sample) is { } sample ? measure(sample).ToList() : [];

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
