namespace Aionis.Data.Incidents;

/// <summary>One row of <c>worker.incident_events</c>: the incident's timeline, numbered from 1 per incident.</summary>
public sealed record IncidentEvent
{
    public required string IncidentId { get; init; }
    public required int Seq { get; init; }
    public required DateTimeOffset At { get; init; }

    /// <summary><c>note</c>, <c>decision</c>, <c>followup</c>, <c>status</c> or <c>alert</c>.</summary>
    public required string Type { get; init; }
    public required string Message { get; init; }
    public required string Actor { get; init; }

    /// <summary>The status a <c>status</c> event moved the incident to.</summary>
    public string? Status { get; init; }

    // Follow-ups only.
    public string? Priority { get; init; }
    public string? Owner { get; init; }
    public DateTimeOffset? DueAt { get; init; }
    public DateTimeOffset? DoneAt { get; init; }
}

public static class IncidentEventType
{
    public const string Note = "note";
    public const string Decision = "decision";
    public const string Followup = "followup";
    public const string Status = "status";
    public const string Alert = "alert";

    public static readonly string[] All = [Note, Decision, Followup, Status, Alert];
}
