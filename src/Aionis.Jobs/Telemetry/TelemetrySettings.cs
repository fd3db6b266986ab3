using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Telemetry;

/// <summary>The telemetry environment: how long request telemetry is kept and how much one purge pass deletes.</summary>
public sealed class TelemetrySettings
{
    public const string RetentionHoursKey = "CONTROL_TELEMETRY_RETENTION_HOURS";
    public const string PurgeBatchLimitKey = "CONTROL_TELEMETRY_PURGE_BATCH_LIMIT";
    public const int DefaultRetentionHours = 720;

    [Setting(RetentionHoursKey, Min = "1", Max = "87600")]
    public int RetentionHours { get; set; } = DefaultRetentionHours;

    [Setting(PurgeBatchLimitKey, Min = "1", Max = "200000")]
    public int PurgeBatchLimit { get; set; } = 20_000;
}
