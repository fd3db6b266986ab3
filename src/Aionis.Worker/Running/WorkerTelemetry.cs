using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Aionis.Worker.Running;

/// <summary>The worker's ActivitySource and Meter (<c>Aionis.Worker</c>): a span per run, run counts and durations.</summary>
public static class WorkerTelemetry
{
    public const string Name = "Aionis.Worker";

    public static readonly ActivitySource ActivitySource = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Runs = Meter.CreateCounter<long>("aionis.job.runs", description: "Job runs by task, job and status");
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("aionis.job.duration", unit: "s", description: "Job run duration");
}
