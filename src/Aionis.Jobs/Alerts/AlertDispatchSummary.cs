using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Alerts;

/// <summary>One outcome of routing an event; <see cref="Reason"/> explains a skip.</summary>
public sealed record DispatchRow(
    string EventType,
    Guid? RouteId,
    string? Channel,
    string Status,
    string? Severity,
    int? ResponseCode,
    string? Error,
    string? Reason = null);

public sealed record DetectedEventRow(string EventType, string Summary, string Severity);

/// <summary>Delivery counts by outcome, plus <see cref="Unknown"/>: deliveries that timed out and are retried by the next run.</summary>
public sealed record DeliveryCounts(int Sent, int Failed, int Skipped, int Unknown, int Total, IReadOnlyList<DispatchRow> Rows)
{
    public static DeliveryCounts Of(IReadOnlyList<DispatchRow> rows) => new(
        rows.Count(r => r.Status == DeliveryOutcome.Sent),
        rows.Count(r => r.Status == DeliveryOutcome.Failed),
        rows.Count(r => r.Status == DeliveryOutcome.Skipped),
        rows.Count(r => r.Status == DeliveryOutcome.Unknown),
        rows.Count,
        rows);
}

/// <summary>What a dispatch run detected, routed and sent, plus the event types that could not be evaluated.</summary>
public sealed record AlertDispatchSummary(
    bool Ok,
    bool Strict,
    bool DryRun,
    DateTimeOffset CheckedAt,
    string TenantId,
    IReadOnlyList<string> EventTypes,
    IReadOnlyList<DetectedEventRow> EventsDetected,
    IReadOnlyList<EventNotEvaluated> EventsNotEvaluated,
    DeliveryCounts Delivery) : IJobSummary;
