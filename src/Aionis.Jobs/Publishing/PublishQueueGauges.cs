using System.Diagnostics.Metrics;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// The <c>aionis.publish.*.depth</c> gauges on the worker's meter: they report the latest sample of
/// <see cref="PublishQueueSampler"/> (no measurement while it could not be read).
/// </summary>
public static class PublishQueueGauges
{
    private static PublishQueueDepth? s_depth;

    public static readonly ObservableGauge<long> QueueDepth = WorkerMeter.Meter.CreateObservableGauge(
        "aionis.publish.queue.depth", () => Observe(depth => depth.Open), unit: "{job}",
        description: "Incident publish jobs pending, processing or failed (due again)");

    public static readonly ObservableGauge<long> DeadLetterDepth = WorkerMeter.Meter.CreateObservableGauge(
        "aionis.publish.dead_letter.depth", () => Observe(depth => depth.DeadLetter), unit: "{job}",
        description: "Incident publish jobs in dead_letter");

    /// <summary>The latest sample; null (no measurement) when it could not be read.</summary>
    public static void Report(PublishQueueDepth? depth) => Volatile.Write(ref s_depth, depth);

    private static IEnumerable<Measurement<long>> Observe(Func<PublishQueueDepth, long> value) =>
        Volatile.Read(ref s_depth) is { } depth ? [new Measurement<long>(value(depth))] : [];
}
