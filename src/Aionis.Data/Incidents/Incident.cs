namespace Aionis.Data.Incidents;

/// <summary>One row of <c>worker.incidents</c> (and one line of the JSONL fallback's <c>incidents.jsonl</c>).</summary>
public sealed record Incident
{
    public required string Id { get; init; }
    public required string Service { get; init; }
    public required string Env { get; init; }
    public required string Kind { get; init; }

    /// <summary><c>P0</c> (worst) to <c>P3</c>.</summary>
    public required string Severity { get; init; }
    public required string Title { get; init; }
    public string? Summary { get; init; }

    /// <summary><c>open</c>, <c>mitigating</c>, <c>resolved</c> or <c>closed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>sha256 (hex) of <c>service|env|kind|fingerprint</c>: the same problem again has the same signature.</summary>
    public required string Signature { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset LastEventAt { get; init; }
    public int Occurrences { get; init; } = 1;
    public required DateTimeOffset UpdatedAt { get; init; }

    public bool IsOpen => Status is IncidentStatus.Open or IncidentStatus.Mitigating;
}

public static class IncidentStatus
{
    public const string Open = "open";
    public const string Mitigating = "mitigating";
    public const string Resolved = "resolved";
    public const string Closed = "closed";

    public static readonly string[] All = [Open, Mitigating, Resolved, Closed];
}

public static class IncidentSeverity
{
    public static readonly string[] All = ["P0", "P1", "P2", "P3"];

    /// <summary>0 for P0 … 3 for P3: lower is worse.</summary>
    public static int Rank(string severity) => Array.IndexOf(All, severity);

    /// <summary>The less severe of the two (a cap of P2 turns P0 and P1 into P2).</summary>
    public static string Cap(string severity, string? cap) => cap is null || Rank(severity) >= Rank(cap) ? severity : cap;
}
