using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.BurnRate;

/// <summary>A window's traffic and burn rate: its error rate ÷ the budget's (1 − target); 1× spends the 30-day budget in 30 days.</summary>
public sealed record BurnWindow(string Name, long Requests, long ServerErrors, double ErrorRate, double BurnRate);

public sealed record BurnPair(string Name, string Action, string Severity, double Threshold, double LongBurnRate, double ShortBurnRate, bool Fired);

public sealed record BurnSlo(string Id, double TargetPercent, double BudgetFraction, int BudgetDays);

/// <summary>
/// The burn-rate gate: ok unless a pair of the gated kind fired. <see cref="Severity"/> is <c>critical</c> when a page
/// pair fired, <c>warning</c> when only a ticket pair did.
/// </summary>
public sealed record SloBurnRateSummary(
    bool Ok,
    bool Strict,
    bool DryRun,
    DateTimeOffset CheckedAt,
    string Gate,
    BurnSlo Slo,
    IReadOnlyList<BurnWindow> Windows,
    IReadOnlyList<BurnPair> Pairs,
    IReadOnlyList<string> Fired,
    string? Severity,
    ReportFiles Files) : IJobSummary
{
    string? IJobSummary.NotOkReason => Ok ? null
        : $"{Severity}: error budget of {Slo.Id} burning: " + string.Join(", ", Pairs.Where(p => p.Fired)
            .Select(p => $"{p.Name} at {p.LongBurnRate:0.#}×/{p.ShortBurnRate:0.#}× (≥ {p.Threshold}×, {p.Action})"));
}
