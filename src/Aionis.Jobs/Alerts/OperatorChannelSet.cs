using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// The operator channels and the severity routing (docs/jobs/alerts.md), read from configuration and validated as a whole.
/// Channels: <c>Alerts:Channels</c> (a JSON string or a configuration array), else <c>AIONIS_ALERT_CHANNELS</c>, plus the
/// legacy <c>AIONIS_ALERT_WEBHOOK_URL</c> as the generic webhook <c>legacy_alert_webhook</c>. Routing: <c>Alerts:Routing</c>
/// maps a severity to channel ids; without it critical goes to every PagerDuty channel, warning to every Slack and
/// generic webhook channel, and every severity to every Alertmanager channel (which routes by the severity label itself).
/// </summary>
public sealed partial class OperatorChannelSet
{
    public const string ChannelsKey = "Alerts:Channels";
    public const string ChannelsEnvironmentKey = "AIONIS_ALERT_CHANNELS";
    public const string LegacyWebhookKey = "AIONIS_ALERT_WEBHOOK_URL";
    public const string RoutingKey = "Alerts:Routing";
    public const string LegacyChannelId = "legacy_alert_webhook";

    private static readonly JsonSerializerOptions Strict = new()
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private readonly Dictionary<string, string[]> _routing;

    private OperatorChannelSet(IReadOnlyList<OperatorChannel> channels, Dictionary<string, string[]> routing)
    {
        Channels = channels;
        _routing = routing;
    }

    public IReadOnlyList<OperatorChannel> Channels { get; }

    /// <summary>Stops a misconfigured worker at start: throws <see cref="AlertConfigurationException"/> naming the key and the problem.</summary>
    public static void Validate(IConfiguration configuration) => Load(configuration);

    public static OperatorChannelSet Load(IConfiguration configuration)
    {
        var guard = new AlertTargetGuard(AlertSettings.From(configuration));
        var (key, json) = ReadJson(configuration, ChannelsKey) is { } configured
            ? (ChannelsKey, configured)
            : (ChannelsEnvironmentKey, ReadJson(configuration, ChannelsEnvironmentKey));
        var channels = json is null ? [] : Parse<List<OperatorChannel?>>(key, json) ?? [];
        var valid = new List<OperatorChannel>();
        for (var i = 0; i < channels.Count; i++)
        {
            valid.Add(Check(key, i, channels[i], valid, guard));
        }
        if (configuration[LegacyWebhookKey] is { Length: > 0 } legacyUrl && valid.All(c => c.Id != LegacyChannelId))
        {
            var legacy = new OperatorChannel { Id = LegacyChannelId, Type = OperatorChannel.GenericWebhook, Url = legacyUrl };
            valid.Add(Check(LegacyWebhookKey, 0, legacy, valid, guard));
        }
        return new OperatorChannelSet(valid, ReadRouting(configuration, valid));
    }

    /// <summary>The channels for a severity: <c>Alerts:Routing</c>, or the default routing.</summary>
    public IReadOnlyList<OperatorChannel> ForSeverity(string severity)
    {
        if (_routing.Count > 0)
        {
            return Named(_routing.GetValueOrDefault(severity, []));
        }
        return severity == AlertSeverity.Critical
            ? Channels.Where(c => c.Type is OperatorChannel.PagerDutyEventsV2 or OperatorChannel.Alertmanager).ToList()
            : Channels.Where(c => c.Type != OperatorChannel.PagerDutyEventsV2).ToList();
    }

    /// <summary>The channels with these ids, in the given order; unknown ids are left out.</summary>
    public IReadOnlyList<OperatorChannel> Named(IEnumerable<string> ids) =>
        ids.Select(id => Channels.FirstOrDefault(c => c.Id == id)).OfType<OperatorChannel>().ToList();

    private static OperatorChannel Check(string key, int index, OperatorChannel? channel, List<OperatorChannel> earlier, AlertTargetGuard guard)
    {
        var where = $"{key}: channel #{index + 1}{(channel?.Id is { } id ? $" (\"{id}\")" : "")}";
        string? problem = channel switch
        {
            null => "is null",
            { Id: null or "" } => "needs an id",
            _ when !ChannelId().IsMatch(channel.Id) => "id must match ^[a-z0-9][a-z0-9_-]*$",
            _ when earlier.Any(c => c.Id == channel.Id) => "repeats an id",
            { Type: null or "" } => $"needs a type ({string.Join(", ", OperatorChannel.Types)})",
            _ when !OperatorChannel.Types.Contains(channel.Type) => $"type '{channel.Type}' is unknown ({string.Join(", ", OperatorChannel.Types)})",
            { Type: OperatorChannel.PagerDutyEventsV2, RoutingKey: null or "" } => "needs a routingKey",
            { Type: OperatorChannel.PagerDutyEventsV2 or OperatorChannel.Alertmanager, Headers.Count: > 0 } => "headers are only for webhook channels",
            { Type: not OperatorChannel.PagerDutyEventsV2, Url: null or "" } => "needs a url",
            _ => null,
        };
        problem ??= CheckUrl(channel!, guard) ?? channel!.Headers?.Select(h => AlertHeaders.Reject(h.Key, h.Value)).FirstOrDefault(p => p is not null);
        return problem is null ? channel! : throw new AlertConfigurationException($"{where} {problem}");
    }

    private static string? CheckUrl(OperatorChannel channel, AlertTargetGuard guard)
    {
        if (channel.Url is null) return null;
        if (!Uri.TryCreate(channel.Url, UriKind.Absolute, out var url)) return "url is not an absolute URL";
        return guard.Reject(url, channel.ToTarget().Kind) is { } refused ? $"url refused: {refused}" : null;
    }

    private static Dictionary<string, string[]> ReadRouting(IConfiguration configuration, List<OperatorChannel> channels)
    {
        var json = ReadJson(configuration, RoutingKey);
        if (json is null) return [];
        var routing = Parse<Dictionary<string, JsonNode?>>(RoutingKey, json) ?? [];
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (severity, node) in routing)
        {
            if (!AlertSeverity.All.Contains(severity))
            {
                throw new AlertConfigurationException($"{RoutingKey}: severity '{severity}' is unknown ({string.Join(", ", AlertSeverity.All)})");
            }
            var ids = node switch
            {
                JsonArray array when array.All(i => i?.GetValueKind() == JsonValueKind.String) => array.Select(i => i!.GetValue<string>()).ToArray(),
                JsonValue value when value.GetValueKind() == JsonValueKind.String => [value.GetValue<string>()],
                _ => throw new AlertConfigurationException($"{RoutingKey}: '{severity}' must be a channel id or a list of channel ids"),
            };
            if (ids.FirstOrDefault(id => channels.All(c => c.Id != id)) is { } unknown)
            {
                throw new AlertConfigurationException($"{RoutingKey}: '{severity}' names channel '{unknown}', which is not configured");
            }
            result[severity] = ids;
        }
        return result;
    }

    private static T? Parse<T>(string key, string json)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Strict);
        }
        catch (JsonException e)
        {
            throw new AlertConfigurationException($"{key}: malformed JSON: {e.Message}");
        }
    }

    /// <summary>A key given as JSON text (environment variables) or as a configuration tree (appsettings), as JSON text.</summary>
    private static string? ReadJson(IConfiguration configuration, string key)
    {
        if (configuration[key] is { } text)
        {
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }
        var section = configuration.GetSection(key);
        return section.GetChildren().Any() ? ToJson(section)!.ToJsonString() : null;
    }

    private static JsonNode? ToJson(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0) return section.Value is null ? null : JsonValue.Create(section.Value);
        if (children.All(c => int.TryParse(c.Key, out _)))
        {
            return new JsonArray(children.OrderBy(c => int.Parse(c.Key)).Select(ToJson).ToArray());
        }
        var obj = new JsonObject();
        foreach (var child in children) obj[child.Key] = ToJson(child);
        return obj;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex ChannelId();
}
