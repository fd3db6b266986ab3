using System.Text.Json.Serialization;
using Aionis.Data.Incidents;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Incidents;

public sealed record DigestTotals(long Opened, long Resolved, long StillOpen);

public sealed record DigestCount(string Key, long Opened, long Resolved, long StillOpen);

public sealed record DigestIncident(string Id, string Severity, string Status, string Service, string Env, string Kind, string Title,
    DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt, int Occurrences, double? MinutesToResolve);

/// <summary>A recurring signature or kind: counts in the 7 and 30 days before the week's end, the level of each, and what to do.</summary>
public sealed record DigestRecurrence(string Key, string Service, string Kind, string LatestTitle,
    [property: JsonPropertyName("last_7_days")] long Last7Days,
    [property: JsonPropertyName("last_30_days")] long Last30Days,
    [property: JsonPropertyName("level_7_days")] string? Level7Days,
    [property: JsonPropertyName("level_30_days")] string? Level30Days,
    string Level, string Recommendation);

public sealed record DigestBucket(string Service, string Kind,
    [property: JsonPropertyName("last_7_days")] long Last7Days,
    [property: JsonPropertyName("last_30_days")] long Last30Days,
    string Reason);

public sealed record DigestFollowup(string IncidentId, int Seq, string Message, string? Priority, string? Owner, DateTimeOffset? DueAt, bool Overdue);

public sealed record DigestFollowups(int Open, int Overdue, IReadOnlyList<DigestFollowup> Items);

public sealed record DigestDay(DateOnly Day, long P0, long P1, long P2, long P3)
{
    public long Total => P0 + P1 + P2 + P3;
}

public sealed record DigestFiles(string Json, string Markdown, string Chart);

/// <summary>
/// The weekly incident-intelligence digest: everything is judged as of the week's end, so the same data gives the same
/// digest (only <see cref="GeneratedAt"/> differs between renderings).
/// </summary>
public sealed record WeeklyDigest(
    bool Ok,
    string Week,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset GeneratedAt,
    DigestTotals Totals,
    IReadOnlyList<DigestCount> BySeverity,
    IReadOnlyList<DigestCount> ByService,
    IReadOnlyList<DigestCount> ByKind,
    ResolveTimes TimeToResolve,
    IReadOnlyList<DigestIncident> TopIncidents,
    IReadOnlyList<DigestRecurrence> RecurringSignatures,
    IReadOnlyList<DigestRecurrence> RecurringKinds,
    IReadOnlyList<DigestBucket> RootCauseBuckets,
    DigestFollowups Followups,
    IReadOnlyList<DigestDay> Daily,
    DigestFiles Files) : IJobSummary;
