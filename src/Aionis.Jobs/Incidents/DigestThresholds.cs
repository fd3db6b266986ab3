namespace Aionis.Jobs.Incidents;

/// <summary>The digest's recurrence levels and what each recommends.</summary>
public static class DigestThresholds
{
    public const int SignatureWarn = 3, SignatureHigh = 6;
    public const int KindWarn = 5, KindHigh = 10;
    public const int BucketIn7Days = 3, BucketIn30Days = 6;
    public const int TopIncidents = 20;
    public const int FollowupItems = 200;

    public const string Warn = "warn";
    public const string High = "high";

    public static string? Level(long count, int warn, int high) => count >= high ? High : count >= warn ? Warn : null;

    public static string Worst(string? a, string? b) => a == High || b == High ? High : Warn;

    public static string SignatureAdvice(string level) => level == High
        ? "chronic: open a problem review with an owner and a fix date; the same failure keeps coming back"
        : "recurring: link the incidents and check that the last ones' follow-ups were done";

    public static string KindAdvice(string level) => level == High
        ? "systemic: plan engineering work against this kind of failure across services"
        : "frequent: review the alert thresholds and the runbook for this kind";
}
