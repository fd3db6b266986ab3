using Aionis.Data.Incidents;

namespace Aionis.Jobs.Incidents;

/// <summary>What an event does to its incident, the same for every backend and for the CLI and the jobs.</summary>
public static class IncidentChanges
{
    /// <summary>A timeline entry being added: the type and text, and the status or follow-up fields where they apply.</summary>
    public sealed record EventDraft(string Type, string Message, string Actor, DateTimeOffset At)
    {
        public string? Status { get; init; }
        public string? Priority { get; init; }
        public string? Owner { get; init; }
        public DateTimeOffset? DueAt { get; init; }

        /// <summary>Alerts: how many occurrences this event adds to the incident.</summary>
        public int Occurrences { get; init; }

        /// <summary>Decisions that escalate: the incident's new severity.</summary>
        public string? Severity { get; init; }
    }

    /// <summary>Adds the event; a status event moves the status (and stamps resolved/closed), an alert counts occurrences.</summary>
    public static IncidentChange Add(EventDraft draft) => (current, seq) =>
    {
        if (current.Status == IncidentStatus.Closed && draft.Type != IncidentEventType.Note)
        {
            throw new IncidentRequestException($"incident '{current.Id}' is closed: only notes can be added");
        }
        var updated = current with
        {
            LastEventAt = draft.At > current.LastEventAt ? draft.At : current.LastEventAt,
            UpdatedAt = Later(current.UpdatedAt, draft.At),
            Occurrences = current.Occurrences + draft.Occurrences,
            Severity = draft.Severity ?? current.Severity,
        };
        if (draft.Status is { } status)
        {
            updated = updated with
            {
                Status = status,
                ResolvedAt = status is IncidentStatus.Resolved or IncidentStatus.Closed ? current.ResolvedAt ?? draft.At : null,
                ClosedAt = status == IncidentStatus.Closed ? draft.At : null,
            };
        }
        var incidentEvent = new IncidentEvent
        {
            IncidentId = current.Id,
            Seq = seq,
            At = draft.At,
            Type = draft.Type,
            Message = draft.Message,
            Actor = draft.Actor,
            Status = draft.Status,
            Priority = draft.Priority,
            Owner = draft.Owner,
            DueAt = draft.DueAt,
        };
        return (updated, incidentEvent);
    };

    /// <summary>updated_at only moves forward (by at least a microsecond), so the backlog move can tell newer from older.</summary>
    private static DateTimeOffset Later(DateTimeOffset previous, DateTimeOffset at) => at > previous ? at : previous.AddTicks(10);
}
