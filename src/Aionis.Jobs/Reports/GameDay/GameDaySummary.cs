using System.Text.Json.Serialization;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.GameDay;

/// <summary>The on-call targets a drill is judged against, in minutes (options, so a team sets its own).</summary>
public sealed record GameDayTargets(double Sev1Minutes, double Sev2Minutes, double Sev3Minutes, double RestoreMinutes)
{
    public double AckMinutes(string level) => level switch
    {
        OnCallLevel.Sev1 => Sev1Minutes,
        OnCallLevel.Sev2 => Sev2Minutes,
        _ => Sev3Minutes,
    };
}

/// <summary>
/// One operator channel's part of the drill (step <c>alert:&lt;channel&gt;</c>): when the test alert went out, when the
/// receiver accepted it (its 2xx), what it answered, and the acknowledgement — observed from the receiver
/// (<c>ack_source: alertmanager_silence</c>) or recorded by a person (<c>cli</c>). <c>ack_observable</c> says which
/// the receiver allows: only Alertmanager reports one through its API.
/// </summary>
public sealed record GameDayDelivery(
    string Step,
    string Channel,
    string Type,
    string Target,
    string Status,
    DateTimeOffset? SentAt,
    DateTimeOffset? AcceptedAt,
    int? ResponseCode,
    string? Error,
    string? ReceiverReference,
    string AckObservable,
    DateTimeOffset? AcknowledgedAt = null,
    string? AcknowledgedBy = null,
    string? AckSource = null)
{
    public const string Accepted = "accepted";
    [JsonIgnore] public bool IsAccepted => Status == Accepted;
}

/// <summary>
/// The restore of a <c>backend-outage</c> drill (step <c>restore</c>): the health URL (redacted), how many probes, when it
/// was first seen down, when it answered 2xx again (or when a person recorded the restore) and by whom.
/// <c>status</c>: restored, not_restored (still down when the wait ended), never_down (healthy at the first probe: no
/// outage was staged), planned (dry run).
/// </summary>
public sealed record GameDayRestore(
    string Target,
    string Status,
    int Probes,
    DateTimeOffset? FirstDownAt,
    DateTimeOffset? RestoredAt,
    string? RestoredBy,
    string? LastResult)
{
    public const string StepName = "restore";
    public const string Restored = "restored";
    public const string NotRestored = "not_restored";
    public const string NeverDown = "never_down";
    public const string Planned = "planned";
}

/// <summary>A time the drill measured against its target: <c>met</c>, <c>missed</c>, <c>pending</c> (not yet known, target not yet passed) or <c>not_applicable</c>.</summary>
public sealed record GameDayMeasure(double? Seconds, double TargetSeconds, string Verdict)
{
    public const string Met = "met";
    public const string Missed = "missed";
    public const string Pending = "pending";
    public const string NotApplicable = "not_applicable";

    /// <summary>Before <see cref="GameDayVerdict.Judge"/> has measured the drill.</summary>
    public static readonly GameDayMeasure NotJudged = new(null, 0, NotApplicable);
}

/// <summary>
/// A game-day drill: the exercise, the on-call level it is judged at, every channel's delivery and acknowledgement, the
/// restore, and time-to-acknowledge (first acknowledgement after the alert went out) and time-to-restore (restore after
/// the alert went out) against the targets. <see cref="AsOf"/> is when the timings were computed (the run's end, or
/// when <c>aionis game-day show</c> re-computed them with the acknowledgements recorded since).
/// </summary>
public sealed record GameDaySummary(
    bool Ok,
    bool DryRun,
    Guid RunId,
    string Exercise,
    string Level,
    string AlertSeverity,
    DateTimeOffset StartedAt,
    DateTimeOffset AsOf,
    GameDayTargets Targets,
    IReadOnlyList<GameDayDelivery> Deliveries,
    GameDayRestore? Restore,
    int ResolvesAccepted,
    GameDayMeasure TimeToAcknowledge,
    GameDayMeasure TimeToRestore,
    IReadOnlyList<string> Plan,
    ReportFiles? Files,
    string? Problem) : IJobSummary
{
    string? IJobSummary.NotOkReason => Problem;
}
