using Aionis.Jobs.Framework;
using static Aionis.Jobs.Reports.ReportText;

namespace Aionis.Jobs.Reports.Slo;

/// <summary>One day of an SLO: its good and total events, and the share of the window's error budget left at its end.</summary>
public sealed record SloDay(DateOnly Day, long Good, long Total, double BudgetRemaining);

/// <summary>
/// An SLO over the window: measured = good ÷ total; the budget allows (1 − target) × total bad events; spent = bad ÷
/// allowed (null when the budget is zero and something went bad: exhausted). Fail when the target is missed, warn at 75 %
/// of the budget spent or without events.
/// </summary>
public sealed record SloResult(
    string Id,
    string Kind,
    string Description,
    string? Endpoint,
    double TargetPercent,
    long Good,
    long Total,
    long Bad,
    double? Measured,
    double AllowedBad,
    double? BudgetSpent,
    bool BudgetExhausted,
    double? P95Ms,
    CheckStatus Status,
    string Reason,
    IReadOnlyList<SloDay> Daily)
{
    public const double WarnSpent = 0.75;

    /// <summary>The result of <paramref name="slo"/> from its daily good/total counts (every day of the window, in order).</summary>
    public static SloResult Evaluate(SloDefinition slo, string? endpoint, IReadOnlyList<(DateOnly Day, long Good, long Total)> days, double? p95Ms = null)
    {
        var good = days.Sum(d => d.Good);
        var total = days.Sum(d => d.Total);
        var bad = total - good;
        var allowed = JobMath.Round6(slo.BudgetFraction * total);
        double? measured = total == 0 ? null : JobMath.Round6((double)good / total);
        double? spent = bad == 0 ? 0 : allowed == 0 ? null : JobMath.Round6(bad / allowed);
        var exhausted = bad > allowed;

        long cumulative = 0;
        var daily = days.Select(d =>
        {
            cumulative += d.Total - d.Good;
            var remaining = cumulative == 0 ? 1 : allowed == 0 ? -1 : JobMath.Round6(1 - cumulative / allowed);
            return new SloDay(d.Day, d.Good, d.Total, remaining);
        }).ToList();

        var id = endpoint is null ? slo.Id : $"{slo.Id}:{endpoint}";
        var budget = spent is { } s ? $"{Percent(s, 1)} of the budget ({Number(allowed)}) spent" : $"budget of {Number(allowed)} exhausted";
        var text = $"{Percent(measured, 3)} (target {Number(slo.TargetPercent, "0.###")} %): {Count(bad)} bad of {Count(total)}, {budget}";
        var (status, reason) = total == 0 ? (CheckStatus.Warn, "no events in the window")
            : exhausted ? (CheckStatus.Fail, text)
            : spent >= WarnSpent ? (CheckStatus.Warn, text)
            : (CheckStatus.Pass, text);
        return new SloResult(id, slo.Kind, slo.Description, endpoint, slo.TargetPercent, good, total, bad, measured, allowed, spent, exhausted,
            p95Ms, status, reason, daily);
    }
}
