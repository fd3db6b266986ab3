using System.Text.Json.Nodes;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// One alert to deliver. <see cref="Resolve"/> closes an earlier alert with the same <see cref="DedupKey"/>
/// (PagerDuty <c>resolve</c>; a "recovered" message elsewhere).
/// </summary>
public sealed record AlertMessage(
    string EventType,
    string? TenantId,
    string Severity,
    string Summary,
    JsonNode? Payload,
    string DedupKey,
    bool Resolve = false);
