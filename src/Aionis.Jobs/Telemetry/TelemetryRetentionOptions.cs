using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Telemetry;

public sealed class TelemetryRetentionOptions : JobOptions, IStrictOptions, ISummaryFileOptions
{
    [Option("older-than-hours", "Delete telemetry older than this many hours", Min = 1, Max = 87600, DefaultFrom = TelemetrySettings.RetentionHoursKey)]
    public int OlderThanHours { get; set; } = TelemetrySettings.DefaultRetentionHours;

    [Option("tenant-id", "Only this tenant's telemetry (default: every tenant)")]
    public string? TenantId { get; set; }

    [Option("batch-limit", "Most rows deleted per pass", Min = 1, Max = 200_000, DefaultFrom = TelemetrySettings.PurgeBatchLimitKey)]
    public int BatchLimit { get; set; } = 20_000;

    [Option("max-passes", "Most passes per run; eligible rows left after the last one make the run not ok", Min = 1, Max = 1000)]
    public int MaxPasses { get; set; } = 20;

    [Option("strict", "Exit 2 when the run is not ok (rows left after max-passes, or no telemetry table)")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    public override IEnumerable<OptionError> Validate()
    {
        if (TenantId is not null && string.IsNullOrWhiteSpace(TenantId))
            yield return new OptionError("tenant-id", TenantId, "must not be empty (leave it out for every tenant)");
        if (TenantId?.Trim() == "*")
            yield return new OptionError("tenant-id", TenantId, "leave it out to purge every tenant");
    }

    public override void ApplyDerivedLimits() => TenantId = TenantId?.Trim();
}
