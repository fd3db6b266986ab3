using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.Slo;

/// <summary>The SLO report: every SLO (latency per endpoint) with target, measured, budget and its burn-down; ok unless a target is missed.</summary>
public sealed record SloReportSummary(
    bool Ok,
    bool Strict,
    bool DryRun,
    DateTimeOffset GeneratedAt,
    SloWindow Window,
    string SloFile,
    CheckTally Tally,
    IReadOnlyList<SloResult> Slos,
    ReportFiles Files) : IJobSummary
{
    string? IJobSummary.NotOkReason => Ok ? null
        : $"{Tally.Fail} SLO(s) missed in {Window.Label}: {string.Join(", ", Slos.Where(s => s.Status == CheckStatus.Fail).Select(s => s.Id))}";
}
