namespace Aionis.Jobs.Reports.Slo;

public static class SloKinds
{
    public const string Availability = "availability", Latency = "latency", PublishSuccess = "publish_success",
        ScheduledSuccess = "scheduled_success", TaskSuccess = "task_success";

    public static readonly string[] All = [Availability, Latency, PublishSuccess, ScheduledSuccess, TaskSuccess];
}

/// <summary>One SLO of the SLO file: what is measured (<see cref="Kind"/>) and the target in percent.</summary>
public sealed record SloDefinition(string Id, string Kind, double TargetPercent, string Description, double? ThresholdMs, string? Task)
{
    /// <summary>The fraction of events the error budget allows to be bad (99.95 % → 0.0005).</summary>
    public double BudgetFraction => Math.Round(1 - TargetPercent / 100, 10);
}

public sealed record SloFile(string Source, IReadOnlyList<SloDefinition> Slos);
