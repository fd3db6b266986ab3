namespace Aionis.Jobs.Reports;

public enum CheckStatus
{
    Pass,
    Warn,
    Fail,
}

/// <summary>One line of a checklist: its verdict, the number behind it (null when there is none) and why, in one line.</summary>
public sealed record Check(string Name, CheckStatus Status, double? Value, string Reason)
{
    public static Check Pass(string name, double? value, string reason) => new(name, CheckStatus.Pass, value, reason);
    public static Check Warn(string name, double? value, string reason) => new(name, CheckStatus.Warn, value, reason);
    public static Check Fail(string name, double? value, string reason) => new(name, CheckStatus.Fail, value, reason);
}

public sealed record CheckTally(int Pass, int Warn, int Fail)
{
    public static CheckTally Of(IEnumerable<CheckStatus> statuses)
    {
        var list = statuses.ToList();
        return new(list.Count(s => s == CheckStatus.Pass), list.Count(s => s == CheckStatus.Warn), list.Count(s => s == CheckStatus.Fail));
    }
}
