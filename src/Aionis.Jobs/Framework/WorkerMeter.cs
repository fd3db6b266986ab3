using System.Diagnostics.Metrics;

namespace Aionis.Jobs.Framework;

/// <summary>The one <c>Aionis.Worker</c> meter: the runner's instruments and the areas' own (alert deliveries) hang on it.</summary>
public static class WorkerMeter
{
    public const string Name = "Aionis.Worker";

    public static readonly Meter Meter = new(Name);
}
