using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// An operator alert as Alertmanager's <c>POST /api/v2/alerts</c> takes it: one alert whose labels identify it (so a
/// re-post updates it and a resolve ends it), annotations with the summary and the payload's fields, <c>startsAt</c> the
/// episode's opening and <c>endsAt</c>: the resolve time, or while open <see cref="OpenFor"/> ahead, renewed by every
/// re-post (as Prometheus does), so an alert whose worker is gone ends by itself instead of firing forever.
/// </summary>
public static class AlertmanagerBody
{
    public const string AlertsPath = "api/v2/alerts";

    /// <summary>How long an open alert stays firing without a re-post (the worker re-posts every minute).</summary>
    public static readonly TimeSpan OpenFor = TimeSpan.FromMinutes(5);

    public static string AlertsUrl(string baseUrl) =>
        baseUrl.TrimEnd('/').EndsWith("/" + AlertsPath, StringComparison.Ordinal) ? baseUrl : $"{baseUrl.TrimEnd('/')}/{AlertsPath}";

    public static byte[] Build(AlertMessage message, DateTimeOffset sentAt)
    {
        var labels = new JsonObject();
        foreach (var (name, value) in message.Labels ?? new Dictionary<string, string> { ["alertname"] = message.EventType, ["severity"] = message.Severity })
        {
            labels[name] = value;
        }
        var annotations = new JsonObject { ["summary"] = message.Summary };
        if (message.Payload is JsonObject payload)
        {
            foreach (var (name, value) in payload)
            {
                if (value is not null) annotations[name] = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
            }
        }
        var alert = new JsonObject
        {
            ["labels"] = labels,
            ["annotations"] = annotations,
            ["startsAt"] = IsoTime.Format(message.StartsAt ?? sentAt),
            ["endsAt"] = IsoTime.Format(message.Resolve ? sentAt : sentAt + OpenFor),
        };
        return JsonSerializer.SerializeToUtf8Bytes(new JsonArray(alert));
    }
}
