using Aionis.Data.Incidents;
using Aionis.Data.Reports;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.Handoff;

/// <summary>Operator alerts opened in the week, per channel their severity routes to (<c>Alerts:Routing</c>); channel null = no channel.</summary>
public sealed record AlertsByChannel(string? Channel, string? ChannelType, string Severity, long Opened);

/// <summary>The fleet's day: requests, server errors, error rate and p95 (null without traffic).</summary>
public sealed record TrafficDay(DateOnly Day, long Requests, long ServerErrors, double? ErrorRate, double? P95Ms);

/// <summary>The weekly on-call hand-off: what happened in the week and what is due in the next.</summary>
public sealed record HandoffSummary(
    bool Ok,
    bool DryRun,
    DateTimeOffset GeneratedAt,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<DimensionCount> IncidentsBySeverity,
    IReadOnlyList<Incident> Incidents,
    IReadOnlyList<RegistryChange> RegistryChanges,
    IReadOnlyList<TaskFailures> FailedRunsPerTask,
    IReadOnlyList<AlertsByChannel> OperatorAlerts,
    IReadOnlyList<TrafficDay> Daily,
    IReadOnlyList<FollowupRow> FollowupsDueNextWeek,
    ReportFiles Files) : IJobSummary;
