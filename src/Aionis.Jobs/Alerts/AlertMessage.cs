using System.Text.Json.Nodes;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// One alert to deliver. <see cref="Resolve"/> closes an earlier alert with the same <see cref="DedupKey"/>
/// (PagerDuty <c>resolve</c>; a "recovered" message elsewhere). <see cref="IdempotencyKey"/> names this one notification
/// (the same on every retry of it): webhooks get it as the <c>Idempotency-Key</c> header, Slack also in its text.
/// <see cref="Acknowledge"/> tells that an operator took the alert (PagerDuty <c>acknowledge</c> with the same dedup key).
/// </summary>
public sealed record AlertMessage(
    string EventType,
    string? TenantId,
    string Severity,
    string Summary,
    JsonNode? Payload,
    string DedupKey,
    bool Resolve = false,
    string? IdempotencyKey = null,
    bool Acknowledge = false)
{
    /// <summary>What identifies the alert to Alertmanager (alertname, task, severity, node): the same on raise, re-post and resolve.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>When the alert's episode opened (Alertmanager's <c>startsAt</c>).</summary>
    public DateTimeOffset? StartsAt { get; init; }
}
