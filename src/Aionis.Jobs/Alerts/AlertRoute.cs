using System.Text.Json;

namespace Aionis.Jobs.Alerts;

/// <summary>A row of <c>control_alert_routes</c>; <see cref="Policy"/> is <c>metadata.policy ?? metadata.alert_policy</c>.</summary>
public sealed record AlertRoute(
    Guid Id,
    string TenantId,
    string Channel,
    string? Label,
    string? Target,
    string? Secret,
    IReadOnlyDictionary<string, string> Headers,
    JsonElement? Policy)
{
    public const string Webhook = "webhook";
    public const string SlackWebhook = "slack_webhook";
    public const string PagerDutyEvents = "pagerduty_events";

    /// <summary>For PagerDuty routes the secret is the routing key; for webhooks it signs the body.</summary>
    public AlertTarget ToTarget() => Channel switch
    {
        PagerDutyEvents => new AlertTarget(Id.ToString(), Channel, AlertTargetKind.PagerDuty, Target, Headers, Label, RoutingKey: Secret),
        SlackWebhook => new AlertTarget(Id.ToString(), Channel, AlertTargetKind.Slack, Target, Headers, Label, Secret),
        _ => new AlertTarget(Id.ToString(), Channel, AlertTargetKind.Webhook, Target, Headers, Label, Secret),
    };
}
