using System.Text.Json.Serialization;
using Aionis.Data.Incidents;
using Aionis.Data.Reports;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.Checklist;

public sealed record FreeSpace(string Location, string Path, long FreeBytes, long TotalBytes)
{
    public double FreePercent => TotalBytes == 0 ? 0 : JobMath.Round6(100.0 * FreeBytes / TotalBytes);
}

/// <summary>The database's size now, the size the evening checklist recorded about 7 days earlier, and the biggest tables.</summary>
public sealed record DatabaseGrowth(long SizeBytes,
    [property: JsonPropertyName("size_bytes_7d_ago")] long? SizeBytes7dAgo,
    [property: JsonPropertyName("measured_7d_ago_at")] DateTimeOffset? Measured7dAgoAt, double? GrowthPercent, IReadOnlyList<TableSize> BiggestTables);

/// <summary>What the hand-off passes on: open incidents, follow-ups due in the next 24 h, paused tasks.</summary>
public sealed record Handoff(IReadOnlyList<Incident> OpenIncidents, [property: JsonPropertyName("followups_due_24h")] IReadOnlyList<FollowupRow> FollowupsDue24h, IReadOnlyList<OpenPause> PausedTasks);

/// <summary>The numbers behind the checks (null where the shift does not look at them).</summary>
public sealed record ChecklistDetails(
    IReadOnlyList<NodeCheckin>? Nodes,
    IReadOnlyList<OverdueTask>? OverdueTasks,
    LastRun? LastBackup,
    LastRun? LastRestoreDrill,
    IReadOnlyList<AlertSeverityCount>? OperatorAlerts,
    IReadOnlyList<EndpointTraffic> Traffic,
    HourTraffic? PeakHour,
    IReadOnlyList<KeyCount> RunsByStatus,
    IReadOnlyList<ProblemRun> ProblemRuns,
    IReadOnlyList<OpenPause> PausedTasks,
    long? DeadLetterBacklog,
    IReadOnlyList<DimensionCount>? IncidentsBySeverity,
    DatabaseGrowth? Database,
    IReadOnlyList<FreeSpace>? FreeSpace,
    Handoff? Handoff);

/// <summary>
/// A shift checklist: every check pass/warn/fail with its number and one-line reason; ok unless a check fails. The
/// window is what "overnight" (morning: since the last evening checklist) or "the day" (evening: since 00:00 UTC) means.
/// </summary>
public sealed record OpsChecklistSummary(
    bool Ok,
    bool Strict,
    bool DryRun,
    string Shift,
    DateTimeOffset GeneratedAt,
    DateTimeOffset WindowFrom,
    DateTimeOffset WindowTo,
    CheckTally Tally,
    IReadOnlyList<Check> Checks,
    long DatabaseSizeBytes,
    ChecklistDetails Details,
    ReportFiles Files) : IJobSummary
{
    string? IJobSummary.NotOkReason => Ok ? null
        : $"{Tally.Fail} check(s) failed: {string.Join(", ", Checks.Where(c => c.Status == CheckStatus.Fail).Select(c => c.Name))}";
}
