using System.Diagnostics;
using System.Diagnostics.Metrics;
using Aionis.Jobs.Framework;

namespace Aionis.Worker.Running;

/// <summary>
/// The worker's ActivitySource and Meter (<c>Aionis.Worker</c>): a span per run, run counts and durations. The
/// areas hang their own instruments on the same meter (<see cref="WorkerMeter"/>: alert deliveries, the publish-queue gauges).
/// </summary>
public static class WorkerTelemetry
{
    public const string Name = WorkerMeter.Name;

    public static readonly ActivitySource ActivitySource = new(Name);
    public static readonly Meter Meter = WorkerMeter.Meter;

    public static readonly Counter<long> Runs = Meter.CreateCounter<long>("aionis.job.runs", description: "Job runs by task, job and status");
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("aionis.job.duration", unit: "s", description: "Job run duration");
}
