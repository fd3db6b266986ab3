using System.Globalization;
using Aionis.Data.Reports;

namespace Aionis.Jobs.Reports.GameDay;

/// <summary>
/// Judges a drill: time-to-acknowledge and time-to-restore against the targets as of a moment, and the verdict. The job
/// judges at its end; <c>aionis game-day show</c> merges the acknowledgements people recorded since and judges again, so
/// both tell the same numbers the same way.
/// </summary>
public static class GameDayVerdict
{
    public const string CliSource = "cli";

    /// <summary>The drill with its measures, <c>ok</c> and the one-line problem computed as of <paramref name="asOf"/>.</summary>
    public static GameDaySummary Judge(GameDaySummary drill, DateTimeOffset asOf)
    {
        var ackTarget = TimeSpan.FromMinutes(drill.Targets.AckMinutes(drill.Level));
        var accepted = drill.Deliveries.Where(d => d.IsAccepted && d.SentAt is not null).ToList();
        var firstSent = drill.Deliveries.Where(d => d.SentAt is not null).Select(d => d.SentAt!.Value).DefaultIfEmpty(drill.StartedAt).Min();
        var firstAck = accepted.Where(d => d.AcknowledgedAt is not null).Select(d => d.AcknowledgedAt!.Value - d.SentAt!.Value).Order().Cast<TimeSpan?>().FirstOrDefault();
        var tta = Measure(drill.DryRun || accepted.Count == 0 ? null : firstAck, ackTarget, firstSent, asOf, applicable: !drill.DryRun && accepted.Count > 0);

        var restoreTarget = TimeSpan.FromMinutes(drill.Targets.RestoreMinutes);
        var restore = drill.Restore;
        var ttr = Measure(restore?.RestoredAt - firstSent, restoreTarget, firstSent, asOf,
            applicable: !drill.DryRun && restore is not null && restore.Status != GameDayRestore.NeverDown);

        var problems = new List<string>();
        if (drill.Deliveries.Count == 0) problems.Add("no operator channel is configured");
        problems.AddRange(drill.Deliveries.Where(d => !drill.DryRun && !d.IsAccepted)
            .Select(d => $"{d.Channel} did not accept the alert ({d.Status}{(d.Error is null ? "" : ": " + d.Error)})"));
        if (restore?.Status == GameDayRestore.NeverDown) problems.Add("the backend answered 2xx at the first probe: no outage was staged");
        if (tta.Verdict == GameDayMeasure.Missed) problems.Add($"time to acknowledge missed the {drill.Level.ToUpperInvariant()} target of {Minutes(ackTarget)}");
        if (ttr.Verdict == GameDayMeasure.Missed) problems.Add($"time to restore missed the target of {Minutes(restoreTarget)}");
        return drill with
        {
            Ok = problems.Count == 0,
            AsOf = asOf,
            TimeToAcknowledge = tta,
            TimeToRestore = ttr,
            Problem = problems.Count == 0 ? null : string.Join("; ", problems),
        };
    }

    /// <summary>
    /// The drill with the acknowledgements people recorded: a channel's <c>alert:&lt;id&gt;</c> ack counts when the
    /// receiver reported none or a later one; a <c>restore</c> ack is the restore when the probe saw none.
    /// </summary>
    public static GameDaySummary WithAcks(GameDaySummary drill, IReadOnlyList<GameDayAck> acks, DateTimeOffset asOf)
    {
        var byStep = acks.ToDictionary(a => a.Step);
        var deliveries = drill.Deliveries.Select(d => byStep.TryGetValue(d.Step, out var ack) && (d.AcknowledgedAt is null || ack.AcknowledgedAt < d.AcknowledgedAt)
            ? d with { AcknowledgedAt = ack.AcknowledgedAt, AcknowledgedBy = ack.AcknowledgedBy, AckSource = CliSource }
            : d).ToList();
        var restore = drill.Restore is { RestoredAt: null } r && byStep.TryGetValue(GameDayRestore.StepName, out var restored)
            ? r with { Status = GameDayRestore.Restored, RestoredAt = restored.AcknowledgedAt, RestoredBy = restored.AcknowledgedBy }
            : drill.Restore;
        return Judge(drill with { Deliveries = deliveries, Restore = restore }, asOf);
    }

    /// <summary>The steps a person may acknowledge: each accepted channel's, and the restore of a drill that measures one.</summary>
    public static IReadOnlyList<string> AcknowledgeableSteps(GameDaySummary drill) =>
        [.. drill.Deliveries.Where(d => d.IsAccepted).Select(d => d.Step), .. drill.Restore is null ? Array.Empty<string>() : [GameDayRestore.StepName]];

    private static GameDayMeasure Measure(TimeSpan? took, TimeSpan target, DateTimeOffset from, DateTimeOffset asOf, bool applicable)
    {
        if (!applicable) return new GameDayMeasure(null, target.TotalSeconds, GameDayMeasure.NotApplicable);
        if (took is { } t) return new GameDayMeasure(Math.Round(t.TotalSeconds, 3), target.TotalSeconds, t <= target ? GameDayMeasure.Met : GameDayMeasure.Missed);
        return new GameDayMeasure(null, target.TotalSeconds, asOf - from > target ? GameDayMeasure.Missed : GameDayMeasure.Pending);
    }

    private static string Minutes(TimeSpan span) => span.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture) + " min";
}
