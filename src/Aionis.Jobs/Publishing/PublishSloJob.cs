using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Publishing;

public sealed class PublishSloOptions : JobOptions, IStrictOptions, ISummaryFileOptions, ITenantOptions
{
    [Option("tenant-id", "Tenant whose publish queue is gated (\"*\": every active tenant)", DefaultFrom = "MEMORY_TENANT_ID")]
    public string TenantId { get; set; } = "default";

    [Option("window-hours", "Current window", Min = 1, Max = 8760)]
    public int WindowHours { get; set; } = 24;

    [Option("baseline-hours", "Baseline window, ending where the current one starts (raised to window-hours+1)", Min = 2, Max = 8760)]
    public int BaselineHours { get; set; } = 168;

    [Option("min-jobs", "Processed jobs a window needs before its rates count", Min = 1, Max = 1_000_000)]
    public int MinJobs { get; set; } = 20;

    [Option("adaptive-multiplier", "Rate thresholds are the baseline rates times this (at least the floors)", Min = 1, Max = 20)]
    public double AdaptiveMultiplier { get; set; } = 2;

    [Option("failure-rate-floor", "Lowest failure-rate threshold", Min = 0, Max = 1)]
    public double FailureRateFloor { get; set; } = 0.05;

    [Option("dead-letter-rate-floor", "Lowest dead-letter-rate threshold", Min = 0, Max = 1)]
    public double DeadLetterRateFloor { get; set; } = 0.02;

    [Option("backlog-warning-abs", "Open backlog (pending, processing, failed) above this warns", Min = 1, Max = 1_000_000)]
    public int BacklogWarningAbs { get; set; } = 200;

    [Option("dead-letter-backlog-warning-abs", "Dead letters above this warn", Min = 1, Max = 1_000_000)]
    public int DeadLetterBacklogWarningAbs { get; set; } = 20;

    [Option("dead-letter-backlog-critical-abs", "Dead letters above this are critical (raised to the warning level)", Min = 1, Max = 1_000_000)]
    public int DeadLetterBacklogCriticalAbs { get; set; } = 50;

    [Option("strict", "Exit 2 when the gate is degraded or the schema is missing")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    public PublishSloThresholds Thresholds => new(WindowHours, BaselineHours, MinJobs, AdaptiveMultiplier, FailureRateFloor, DeadLetterRateFloor,
        BacklogWarningAbs, DeadLetterBacklogWarningAbs, DeadLetterBacklogCriticalAbs);

    public override void ApplyDerivedLimits()
    {
        BaselineHours = Math.Min(8760, Math.Max(BaselineHours, WindowHours + 1));
        DeadLetterBacklogCriticalAbs = Math.Max(DeadLetterBacklogCriticalAbs, DeadLetterBacklogWarningAbs);
    }
}

public sealed record PublishSloSummary(
    bool Ok,
    bool Strict,
    DateTimeOffset CheckedAt,
    string TenantId,
    bool Degraded,
    string? Severity,
    IReadOnlyList<string> WarningSignals,
    IReadOnlyList<string> CriticalSignals,
    PublishSloReport Report) : IJobSummary;

/// <summary>The adaptive incident-publish SLO gate: degraded → not ok → exit 2 under --strict.</summary>
[Job("hosted-incident-publish-slo", "Adaptive SLO gate over the incident publish queue", Permissions = [Permissions.ReadControlPlane], PerTenant = true)]
public sealed class PublishSloJob(PublishSloReader reader) : IJob<PublishSloOptions, PublishSloSummary>
{
    public async Task<PublishSloSummary> RunAsync(PublishSloOptions options, JobContext context)
    {
        var report = await reader.ReadAsync(options.TenantId, options.Thresholds, context.Now, context.CancellationToken);
        return new PublishSloSummary(report.Ok && !report.Degraded, options.Strict, context.Now, options.TenantId, report.Degraded, report.Severity,
            report.WarningSignals, report.CriticalSignals, report);
    }
}
