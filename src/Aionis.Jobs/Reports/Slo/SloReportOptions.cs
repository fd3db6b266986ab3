using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.Slo;

public sealed class SloReportOptions : JobOptions, IStrictOptions
{
    [Option("month", "Calendar month to report, YYYY-MM, or 'last' for the previous one (instead of --window-days)")]
    public string? Month { get; set; }

    [Option("window-days", "Report the last this many days (when --month is not given)", Min = 1, Max = 366)]
    public int WindowDays { get; set; } = 30;

    [Option("out-dir", "Folder for slo-<window>.json, .md and the budget burn-down chart .svg")]
    public string OutDir { get; set; } = "reports/slo";

    [Option("strict", "Exit 2 when any SLO misses its target")]
    public bool Strict { get; set; }

    public override IEnumerable<OptionError> Validate()
    {
        if (SloWindow.Check(this) is { } problem) yield return problem;
    }
}
