using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Telemetry;

public sealed class TimeseriesExportOptions : JobOptions, ITenantOptions
{
    [Option("tenant-id", "Tenant to export; \"*\" exports every active tenant", DefaultFrom = "MEMORY_TENANT_ID")]
    public string TenantId { get; set; } = "default";

    [Option("window-hours", "Hours of telemetry to export, newest first", Min = 1, Max = 720)]
    public int WindowHours { get; set; } = 168;

    [Option("run-id", "Names the default output folder (default: UTC time yyyyMMdd_HHmmss)")]
    public string? RunId { get; set; }

    [Option("out-dir", "Folder for summary.json, TIMESERIES_REPORT.md and timeseries.svg (default artifacts/hosted_timeseries/<tenant>_<run-id>)")]
    public string? OutDir { get; set; }

    public override IEnumerable<OptionError> Validate()
    {
        if (string.IsNullOrWhiteSpace(TenantId)) yield return new OptionError("tenant-id", TenantId, "must not be empty");
    }

    public override void ApplyDerivedLimits() => TenantId = TenantId.Trim();
}
