using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Telemetry;

public sealed class KeyUsageAnomalyOptions : JobOptions, ITenantOptions, IStrictOptions, ISummaryFileOptions
{
    [Option("tenant-id", "Tenant whose API keys are checked; \"*\" checks every active tenant", DefaultFrom = "MEMORY_TENANT_ID")]
    public string TenantId { get; set; } = "default";

    [Option("window-hours", "Recent window in hours", Min = 1, Max = 8760)]
    public int WindowHours { get; set; } = 24;

    [Option("baseline-hours", "Hours of history the recent window is compared with (at least window-hours + 1)", Min = 2, Max = 8760)]
    public int BaselineHours { get; set; } = 168;

    [Option("min-requests", "A pair needs this many recent requests before any rule applies", Min = 1, Max = 1_000_000)]
    public int MinRequests { get; set; } = 30;

    [Option("zscore-threshold", "Latency z-score at or above which latency has regressed", Min = 0.5, Max = 100)]
    public double ZscoreThreshold { get; set; } = 3;

    [Option("limit", "Most (key prefix, endpoint) pairs in the report, busiest first", Min = 1, Max = 1000)]
    public int Limit { get; set; } = 500;

    [Option("strict", "Exit 2 when any anomaly is found")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    public override IEnumerable<OptionError> Validate()
    {
        if (string.IsNullOrWhiteSpace(TenantId)) yield return new OptionError("tenant-id", TenantId, "must not be empty");
    }

    public override void ApplyDerivedLimits()
    {
        TenantId = TenantId.Trim();
        BaselineHours = Math.Max(BaselineHours, WindowHours + 1);
    }
}
