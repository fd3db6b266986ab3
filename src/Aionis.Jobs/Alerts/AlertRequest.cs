using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aionis.Jobs.Alerts;

/// <summary>One HTTP POST to a target: URL, JSON body bytes (what is signed) and headers.</summary>
public sealed record AlertRequest(Uri Url, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>The header receivers use to drop a repeated delivery (same value on every retry of one notification).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>
    /// The request for a target: PagerDuty gets an Events API v2 body; Alertmanager its API v2 alert list
    /// (<see cref="AlertmanagerBody"/>); webhooks get the alert body, signed when the target has a secret; Slack gets the same body plus the <c>text</c> Slack requires.
    /// Throws <see cref="AlertTargetException"/> when the target cannot be called.
    /// </summary>
    public static AlertRequest Build(AlertTarget target, AlertMessage message, DateTimeOffset sentAt)
    {
        if (target.Kind == AlertTargetKind.PagerDuty)
        {
            if (string.IsNullOrEmpty(target.RoutingKey))
            {
                throw new AlertTargetException("pagerduty routing key (secret) is required");
            }
            return Post(target.Url ?? AlertTarget.PagerDutyEventsUrl, PagerDutyBody(target, message), []);
        }
        if (string.IsNullOrEmpty(target.Url))
        {
            throw new AlertTargetException("target is required for webhook channel");
        }
        if (target.Kind == AlertTargetKind.Alertmanager)
        {
            return Post(AlertmanagerBody.AlertsUrl(target.Url), AlertmanagerBody.Build(message, sentAt), []);
        }
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in target.Headers)
        {
            if (AlertHeaders.Reject(name, value) is { } problem)
            {
                throw new AlertTargetException(problem);
            }
            headers.Add(new(name, value));
        }
        if (message.IdempotencyKey is { } idempotencyKey)
        {
            headers.Add(new(IdempotencyKeyHeader, idempotencyKey));
        }
        var body = Encoding.UTF8.GetBytes(WebhookBody(target, message, sentAt).ToJsonString());
        if (!string.IsNullOrEmpty(target.Secret))
        {
            var ts = sentAt.ToUnixTimeSeconds();
            headers.Add(new(AlertSignature.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture)));
            headers.Add(new(AlertSignature.Header, AlertSignature.Compute(target.Secret, ts, body)));
        }
        return Post(target.Url, body, headers);
    }

    private static AlertRequest Post(string url, byte[] body, List<KeyValuePair<string, string>> headers) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? new AlertRequest(uri, body, headers)
            : throw new AlertTargetException("target is not an absolute URL");

    private static JsonObject WebhookBody(AlertTarget target, AlertMessage message, DateTimeOffset sentAt)
    {
        var body = new JsonObject();
        if (target.Kind == AlertTargetKind.Slack)
        {
            body["text"] = SlackText(message);
        }
        body["event_type"] = message.EventType;
        body["tenant_id"] = message.TenantId;
        body["severity"] = message.Severity;
        body["summary"] = message.Summary;
        body["payload"] = message.Payload?.DeepClone();
        body["sent_at"] = IsoTime.Format(sentAt);
        body["route"] = new JsonObject { ["id"] = target.Id, ["channel"] = target.Channel, ["label"] = target.Label };
        return body;
    }

    /// <summary>Slack drops no repeats, so the alert id is in the text: a resent alert is recognisably the same one.</summary>
    private static string SlackText(AlertMessage message) =>
        $"{(message.Resolve ? ":white_check_mark: RECOVERED" : message.Acknowledge ? ":eyes: ACKNOWLEDGED" : $":rotating_light: {message.Severity.ToUpperInvariant()}")} " +
        $"[{message.EventType}] {message.Summary}" + (message.IdempotencyKey is { } id ? $" (alert id {id})" : "");

    private static byte[] PagerDutyBody(AlertTarget target, AlertMessage message)
    {
        var body = new JsonObject
        {
            ["routing_key"] = target.RoutingKey,
            ["event_action"] = message.Resolve ? "resolve" : message.Acknowledge ? "acknowledge" : "trigger",
            ["dedup_key"] = message.DedupKey,
        };
        if (!message.Resolve && !message.Acknowledge)
        {
            body["payload"] = new JsonObject
            {
                ["summary"] = message.Summary,
                ["source"] = target.Source,
                ["severity"] = message.Severity,
                ["custom_details"] = message.Payload?.DeepClone(),
            };
        }
        return JsonSerializer.SerializeToUtf8Bytes(body);
    }
}
