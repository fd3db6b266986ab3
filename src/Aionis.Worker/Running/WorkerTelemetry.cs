using System.Diagnostics;
using System.Diagnostics.Metrics;
using Aionis.Jobs.Framework;
using Aionis.Jobs.Publishing;

namespace Aionis.Worker.Running;

/// <summary>
/// The worker's ActivitySource and Meter (<c>Aionis.Worker</c>): a span per run, run counts and durations, and the
/// publish-queue depth gauges (sampled by <c>serve</c>; alert deliveries are counted where they are sent).
/// </summary>
public static class WorkerTelemetry
{
    public const string Name = WorkerMeter.Name;

    public static readonly ActivitySource ActivitySource = new(Name);
    public static readonly Meter Meter = WorkerMeter.Meter;

    public static readonly Counter<long> Runs = Meter.CreateCounter<long>("aionis.job.runs", description: "Job runs by task, job and status");
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("aionis.job.duration", unit: "s", description: "Job run duration");

    private static PublishQueueDepth? s_publishQueue;

    public static readonly ObservableGauge<long> PublishQueueDepth = Meter.CreateObservableGauge(
        "aionis.publish.queue.depth", () => ObservePublishQueue(depth => depth.Open), unit: "{job}",
        description: "Incident publish jobs pending, processing or failed (due again)");

    public static readonly ObservableGauge<long> PublishDeadLetterDepth = Meter.CreateObservableGauge(
        "aionis.publish.dead_letter.depth", () => ObservePublishQueue(depth => depth.DeadLetter), unit: "{job}",
        description: "Incident publish jobs in dead_letter");

    /// <summary>The latest sample for the publish-queue gauges; null (no measurement) when it could not be read.</summary>
    public static void ReportPublishQueue(PublishQueueDepth? depth) => Volatile.Write(ref s_publishQueue, depth);

    private static IEnumerable<Measurement<long>> ObservePublishQueue(Func<PublishQueueDepth, long> value) =>
        Volatile.Read(ref s_publishQueue) is { } depth ? [new Measurement<long>(value(depth))] : [];
}
