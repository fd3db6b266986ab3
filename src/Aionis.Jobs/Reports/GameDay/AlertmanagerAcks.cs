using System.Text.Json;
using System.Text.Json.Nodes;
using Aionis.Jobs.Alerts;

namespace Aionis.Jobs.Reports.GameDay;

/// <summary>An Alertmanager's view of the drill's alert: whether it holds it, and the silence that acknowledged it.</summary>
public sealed record AlertmanagerAlertState(bool Present, string? SilenceId, string? SilencedBy, string? Error);

/// <summary>
/// Reads the drill's test alert back from an Alertmanager (<c>GET /api/v2/alerts?filter=game_day_run="…"</c>): an
/// operator acknowledges it there by silencing it, which Alertmanager reports as <c>status.silencedBy</c>; the silence
/// (<c>GET /api/v2/silence/{id}</c>) says who (<c>createdBy</c>). An inhibition is a configured rule, not a person, so it
/// does not count.
/// </summary>
public sealed class AlertmanagerAcks(ReceiverPoll poll)
{
    public const string RunLabel = "game_day_run";

    public async Task<AlertmanagerAlertState> ReadAsync(string channelUrl, Guid runId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var api = ApiBase(channelUrl);
        var alerts = await poll.GetAsync($"{api}/alerts?filter={Uri.EscapeDataString($"{RunLabel}=\"{runId}\"")}", timeout, cancellationToken);
        if (!alerts.IsSuccess) return new AlertmanagerAlertState(false, null, null, alerts.Text);
        var list = Parse(alerts.Body) as JsonArray;
        if (list is null || list.Count == 0) return new AlertmanagerAlertState(false, null, null, list is null ? "not a JSON list of alerts" : null);
        var silenceId = list.Select(a => a?["status"]?["silencedBy"] as JsonArray).SelectMany(s => s ?? []).Select(s => s?.GetValueKind() == JsonValueKind.String ? (string?)s : null)
            .FirstOrDefault(s => s is { Length: > 0 });
        if (silenceId is null) return new AlertmanagerAlertState(true, null, null, null);
        var silence = await poll.GetAsync($"{api}/silence/{Uri.EscapeDataString(silenceId)}", timeout, cancellationToken);
        var createdBy = silence.IsSuccess && Parse(silence.Body)?["createdBy"] is JsonValue by && by.GetValueKind() == JsonValueKind.String ? (string?)by : null;
        return new AlertmanagerAlertState(true, silenceId, createdBy, silence.IsSuccess ? null : silence.Text);
    }

    /// <summary><c>http://am:9093</c> or <c>http://am:9093/api/v2/alerts</c> (both configurable) → <c>http://am:9093/api/v2</c>.</summary>
    private static string ApiBase(string channelUrl)
    {
        var alerts = AlertmanagerBody.AlertsUrl(channelUrl);
        return alerts[..^"/alerts".Length];
    }

    private static JsonNode? Parse(string? body)
    {
        try
        {
            return body is null ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
