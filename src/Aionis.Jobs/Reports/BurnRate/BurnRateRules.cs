namespace Aionis.Jobs.Reports.BurnRate;

/// <summary>One window of the multi-window check: its length and the short name the report uses.</summary>
public sealed record BurnWindowSpec(string Name, TimeSpan Span);

/// <summary>A long/short window pair that fires when both burn at least <see cref="Threshold"/> times the budget rate.</summary>
public sealed record BurnPairSpec(string Long, string Short, double Threshold, string Action)
{
    public string Name => $"{Long}/{Short}";
    public string Severity => Action == BurnRateRules.Page ? "critical" : "warning";
}

/// <summary>
/// The multi-window, multi-burn-rate alerting of the SRE workbook over a 30-day budget: page at 14.4× (2 % of the budget
/// in 1 h) or 6× (5 % in 6 h), ticket at 3× (10 % in 1 d) or 1× (10 % in 3 d); each long window is confirmed by a short
/// one so an alert stops soon after the burning does.
/// </summary>
public static class BurnRateRules
{
    public const string Page = "page", Ticket = "ticket";
    public const int BudgetDays = 30;

    public static readonly BurnWindowSpec[] Windows =
    [
        new("5m", TimeSpan.FromMinutes(5)), new("30m", TimeSpan.FromMinutes(30)), new("1h", TimeSpan.FromHours(1)),
        new("2h", TimeSpan.FromHours(2)), new("6h", TimeSpan.FromHours(6)), new("1d", TimeSpan.FromDays(1)), new("3d", TimeSpan.FromDays(3)),
    ];

    public static readonly BurnPairSpec[] Pairs =
    [
        new("1h", "5m", 14.4, Page), new("6h", "30m", 6, Page), new("1d", "2h", 3, Ticket), new("3d", "6h", 1, Ticket),
    ];

    public static TimeSpan Longest => Windows[^1].Span;
}
