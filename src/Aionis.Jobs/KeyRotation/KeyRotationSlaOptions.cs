using Aionis.Jobs.Framework;

namespace Aionis.Jobs.KeyRotation;

public sealed class KeyRotationSlaOptions : JobOptions, IStrictOptions, ISummaryFileOptions
{
    [Option("max-age-days", "Active keys at least this old are stale (they fail the SLA)", Min = 1, Max = 3650)]
    public int MaxAgeDays { get; set; } = 30;

    [Option("warn-age-days", "Active keys at least this old are in the warning window (at most max-age-days)", Min = 1, Max = 3650)]
    public int WarnAgeDays { get; set; } = 21;

    [Option("rotation-window-days", "A tenant with no api_key.rotate audit event in this window is listed", Min = 1, Max = 3650)]
    public int RotationWindowDays { get; set; } = 30;

    [Option("limit", "Most rows in each sample (stale, warning window)", Min = 1, Max = 1000)]
    public int Limit { get; set; } = 200;

    [Option("strict", "Exit 2 when any key is stale")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    public override void ApplyDerivedLimits() => WarnAgeDays = Math.Min(WarnAgeDays, MaxAgeDays);
}
