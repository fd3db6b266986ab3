using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Incidents;

/// <summary>What triage did with one alert: <c>created</c>, <c>deduplicated</c>, <c>ignored</c> or <c>deferred</c>.</summary>
public sealed record TriagedAlert(string AlertKey, string Kind, string Outcome, string? IncidentId, string Rule, int Occurrences);

public sealed record TriageEscalation(string IncidentId, string From, string To, int OccurrencesInWindow);

public sealed record TriageCandidate(string IncidentId, string Severity, string Action);

public sealed record AlertTriageSummary(
    bool Ok,
    bool DryRun,
    DateTimeOffset CheckedAt,
    string Policy,
    int AlertsCollected,
    int AlertsRead,
    int IncidentsCreated,
    int AlertsDeduplicated,
    int AlertsIgnored,
    int AlertsDeferred,
    IReadOnlyList<TriagedAlert> Alerts,
    IReadOnlyList<TriageEscalation> Escalations,
    IReadOnlyList<TriageCandidate> AutoResolveCandidates,
    IReadOnlyList<string> SourcesNotEvaluated) : IJobSummary;
