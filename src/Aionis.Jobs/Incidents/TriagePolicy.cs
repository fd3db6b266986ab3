using Aionis.Data.Incidents;

namespace Aionis.Jobs.Incidents;

/// <summary>What triage does with an alert that matched a rule (or the defaults).</summary>
public sealed record TriageAction(string Rule, bool Create, string SeverityCap, TimeSpan DedupeWindow, bool AutoClose);

/// <summary>One rule: every given match key must match (a list matches any value); unset actions come from the defaults.</summary>
public sealed record TriageRule(string Name, IReadOnlyList<string>? Env, IReadOnlyList<string>? Severity, IReadOnlyList<string>? Kind,
    bool? Create, string? SeverityCap, TimeSpan? DedupeWindow, bool? AutoClose)
{
    public bool Matches(string env, string severity, string kind) =>
        (Env is null || Env.Contains(env)) && (Severity is null || Severity.Contains(severity)) && (Kind is null || Kind.Contains(kind));
}

/// <summary>The triage routing policy (<c>Incidents:PolicyFile</c>, else the shipped default): the first matching rule decides.</summary>
public sealed record TriagePolicy(string Source, TriageAction Defaults, IReadOnlyList<TriageRule> Rules)
{
    public TriageAction Decide(string env, string severity, string kind) =>
        Rules.FirstOrDefault(r => r.Matches(env, severity, kind)) is { } rule
            ? new TriageAction(rule.Name, rule.Create ?? Defaults.Create, rule.SeverityCap ?? Defaults.SeverityCap,
                rule.DedupeWindow ?? Defaults.DedupeWindow, rule.AutoClose ?? Defaults.AutoClose)
            : Defaults;

    /// <summary>The severity an incident gets under this action: the alert's, no worse than the cap.</summary>
    public static string Grade(string severity, TriageAction action) => IncidentSeverity.Cap(severity, action.SeverityCap);
}
