using System.Text.Json.Nodes;
using Aionis.Data.Alerts;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// <c>aionis alerts ack</c>: an operator took the alert. The episode stops repeating (the store no longer finds its
/// occurrences due); the channels that carried it hear of the acknowledgement: PagerDuty an <c>acknowledge</c> event
/// with the episode's dedup key, Slack and webhooks an "acknowledged" message.
/// </summary>
public sealed partial class OperatorAlerts
{
    /// <param name="channels">The task's <c>notify.channels</c>; empty: the routing of the alert's severity.</param>
    /// <returns>Whether at least one channel took the acknowledgement.</returns>
    public Task<bool> AcknowledgedAsync(OperatorAlertRow alert, IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        var payload = new JsonObject
        {
            ["alert_id"] = alert.Id,
            ["task_id"] = alert.TaskId,
            ["kind"] = alert.Kind,
            ["open_since"] = IsoTime.Format(alert.OpenedAt),
            ["acknowledged_by"] = alert.AcknowledgedBy,
            ["comment"] = alert.AckComment,
        };
        var summary = $"acknowledged by {alert.AcknowledgedBy}: task {alert.TaskId} {alert.Kind}" + (alert.AckComment is { } c ? $" ({c})" : "");
        var message = new AlertMessage($"job_{alert.Kind}_acknowledged", null, alert.Severity, summary, payload, alert.DedupKey,
            IdempotencyKey: AlertIdempotency.OperatorKey(alert.DedupKey, alert.OpenedAt, alert.AcknowledgedAt, "acknowledge"), Acknowledge: true);
        return SendAsync(message, new NotifyPolicy { Severity = alert.Severity, Channels = channels }, cancellationToken);
    }
}
