using System.Text.Json.Serialization;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// One operator channel of <c>Alerts:Channels</c> / <c>AIONIS_ALERT_CHANNELS</c>:
/// <c>{id, type: slack_webhook, url}</c>, <c>{id, type: pagerduty_events_v2, routingKey, source?, url?}</c>,
/// <c>{id, type: generic_webhook, url, headers?}</c>, <c>{id, type: alertmanager, url}</c> (Alertmanager's base URL; the
/// alerts go to its <c>/api/v2/alerts</c>).
/// </summary>
public sealed record OperatorChannel
{
    public const string SlackWebhook = "slack_webhook";
    public const string PagerDutyEventsV2 = "pagerduty_events_v2";
    public const string GenericWebhook = "generic_webhook";
    public const string Alertmanager = "alertmanager";
    public const string OperatorSource = "aionis-worker";

    public static readonly string[] Types = [SlackWebhook, PagerDutyEventsV2, GenericWebhook, Alertmanager];

    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("routingKey")] public string? RoutingKey { get; init; }
    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("headers")] public Dictionary<string, string>? Headers { get; init; }

    public AlertTarget ToTarget() => new(
        Id: Id!,
        Channel: Type!,
        Kind: Type switch
        {
            SlackWebhook => AlertTargetKind.Slack,
            PagerDutyEventsV2 => AlertTargetKind.PagerDuty,
            Alertmanager => AlertTargetKind.Alertmanager,
            _ => AlertTargetKind.Webhook,
        },
        Url: Url,
        Headers: Headers ?? [],
        RoutingKey: RoutingKey,
        Source: Source ?? OperatorSource);
}
