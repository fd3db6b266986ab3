using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.Handoff;

public sealed class HandoffOptions : JobOptions
{
    [Option("days", "The week handed over: the whole UTC days before today", Min = 1, Max = 31)]
    public int Days { get; set; } = 7;

    [Option("out-dir", "Folder for handoff-<date>.json, .md and the error-rate and p95 charts")]
    public string OutDir { get; set; } = "reports/handoff";

    [Option("max-error-rate", "The error-rate chart's limit line", Min = 0, Max = 1)]
    public double MaxErrorRate { get; set; } = 0.01;

    [Option("max-p95-ms", "The p95 chart's limit line", Min = 1, Max = 600000)]
    public double MaxP95Ms { get; set; } = 150;
}
