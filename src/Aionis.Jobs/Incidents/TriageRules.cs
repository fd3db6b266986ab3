using Aionis.Jobs.Alerts;

namespace Aionis.Jobs.Incidents;

/// <summary>The fixed triage rules of the runbook (the routing policy decides the rest).</summary>
public static class TriageRules
{
    /// <summary>Escalation counts the occurrences of this window.</summary>
    public static readonly TimeSpan EscalationWindow = TimeSpan.FromMinutes(60);
    public const int P2ToP1 = 10;
    public const int P1ToP0 = 25;

    /// <summary>An incident is an auto-resolve candidate after this long without an alert.</summary>
    public static readonly TimeSpan QuietFor = TimeSpan.FromMinutes(60);
    public const string CandidateNote = "auto-resolve candidate";

    /// <summary>Escalation follow-ups: priority, owner and due time.</summary>
    public const string FollowupPriority = "P1";
    public const string FollowupOwner = "oncall";
    public static readonly TimeSpan FollowupDue = TimeSpan.FromHours(24);

    /// <summary>The severity an alert proposes: P1 for critical, P2 for warning.</summary>
    public static string SeverityOf(string alertSeverity) => alertSeverity == AlertSeverity.Critical ? "P1" : "P2";

    /// <summary>The severity <paramref name="occurrences"/> in the window call for, from <paramref name="current"/>; null when none.</summary>
    public static string? EscalationOf(string current, int occurrences) => current switch
    {
        "P2" when occurrences >= P1ToP0 => "P0",
        "P2" when occurrences >= P2ToP1 => "P1",
        "P1" when occurrences >= P1ToP0 => "P0",
        _ => null,
    };
}
