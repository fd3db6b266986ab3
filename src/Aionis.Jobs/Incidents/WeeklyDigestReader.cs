using Aionis.Data.Incidents;
using Aionis.Jobs.Framework;
using static Aionis.Jobs.Incidents.DigestThresholds;

namespace Aionis.Jobs.Incidents;

/// <summary>Assembles the digest from the figures <see cref="IncidentReports"/> aggregates in Postgres.</summary>
public sealed class WeeklyDigestReader(IncidentReports reports)
{
    public async Task<WeeklyDigest> ReadAsync(IsoWeek week, DateTimeOffset generatedAt, DigestFiles files, CancellationToken cancellationToken)
    {
        var (from, to) = (week.Start, week.End);
        var counts = await reports.CountsAsync(from, to, cancellationToken);
        List<DigestCount> Of(string dimension) =>
            counts.Where(c => c.Dimension == dimension).Select(c => new DigestCount(c.Key, c.Opened, c.Resolved, c.StillOpen)).ToList();
        var bySeverity = Data.Incidents.IncidentSeverity.All
            .Select(s => Of("severity").FirstOrDefault(c => c.Key == s) ?? new DigestCount(s, 0, 0, 0)).ToList();

        var top = (await reports.TopAsync(from, to, TopIncidents, cancellationToken)).Select(i => new DigestIncident(
            i.Id, i.Severity, i.Status, i.Service, i.Env, i.Kind, i.Title, i.StartedAt, i.ResolvedAt, i.Occurrences,
            i.ResolvedAt is { } r ? Math.Round((r - i.StartedAt).TotalMinutes, 1) : null)).ToList();

        var signatures = (await reports.RecurrenceAsync(RecurrenceGrouping.Signature, to, SignatureWarn, SignatureWarn, cancellationToken))
            .Select(r => Recurrence(r, SignatureWarn, SignatureHigh, SignatureAdvice)).ToList();
        var kinds = (await reports.RecurrenceAsync(RecurrenceGrouping.Kind, to, KindWarn, KindWarn, cancellationToken))
            .Select(r => Recurrence(r, KindWarn, KindHigh, KindAdvice)).ToList();
        var buckets = (await reports.RecurrenceAsync(RecurrenceGrouping.ServiceAndKind, to, BucketIn7Days, BucketIn30Days, cancellationToken))
            .Select(b => new DigestBucket(b.Service, b.Kind, b.Last7Days, b.Last30Days,
                b.Last7Days >= BucketIn7Days ? $"{b.Last7Days} in 7 days (≥ {BucketIn7Days})" : $"{b.Last30Days} in 30 days (≥ {BucketIn30Days})"))
            .ToList();

        var followups = (await reports.OpenFollowupsAsync(to, FollowupItems, cancellationToken))
            .Select(f => new DigestFollowup(f.IncidentId, f.Seq, f.Message, f.Priority, f.Owner, f.DueAt, f.DueAt < to)).ToList();

        var daily = await reports.DailyAsync(from, to, cancellationToken);
        var days = Enumerable.Range(0, 7).Select(d => DateOnly.FromDateTime(from.UtcDateTime.AddDays(d))).Select(day =>
        {
            long N(string severity) => daily.FirstOrDefault(c => c.Day == day && c.Severity == severity)?.Opened ?? 0;
            return new DigestDay(day, N("P0"), N("P1"), N("P2"), N("P3"));
        }).ToList();

        return new WeeklyDigest(
            Ok: true,
            Week: week.ToString(),
            From: from,
            To: to,
            GeneratedAt: generatedAt,
            Totals: new DigestTotals(bySeverity.Sum(c => c.Opened), bySeverity.Sum(c => c.Resolved), bySeverity.Sum(c => c.StillOpen)),
            BySeverity: bySeverity,
            ByService: Of("service"),
            ByKind: Of("kind"),
            TimeToResolve: await reports.ResolveTimesAsync(from, to, cancellationToken),
            TopIncidents: top,
            RecurringSignatures: signatures,
            RecurringKinds: kinds,
            RootCauseBuckets: buckets,
            Followups: new DigestFollowups(followups.Count, followups.Count(f => f.Overdue), followups),
            Daily: days,
            Files: files);
    }

    private static DigestRecurrence Recurrence(RecurrenceCount r, int warn, int high, Func<string, string> advice)
    {
        var level7 = Level(r.Last7Days, warn, high);
        var level30 = Level(r.Last30Days, warn, high);
        var level = Worst(level7, level30);
        return new DigestRecurrence(r.Key, r.Service, r.Kind, r.LatestTitle, r.Last7Days, r.Last30Days, level7, level30, level, advice(level));
    }
}
