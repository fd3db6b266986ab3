using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Alerts;

/// <summary>How a target wants its alerts: the reference webhook body, a Slack body, or PagerDuty Events API v2.</summary>
public enum AlertTargetKind
{
    Webhook,
    Slack,
    PagerDuty,
    Alertmanager,
}

/// <summary>
/// Where one alert goes: a tenant's route or an operator channel. <see cref="Secret"/> signs webhook bodies;
/// <see cref="RoutingKey"/> is PagerDuty's integration key. Neither, nor the URL's path, is ever printed.
/// </summary>
public sealed record AlertTarget(
    string Id,
    string Channel,
    AlertTargetKind Kind,
    string? Url,
    IReadOnlyDictionary<string, string> Headers,
    string? Label = null,
    string? Secret = null,
    string? RoutingKey = null,
    string Source = AlertTarget.DispatchSource)
{
    public const string DispatchSource = "aionis-hosted-alert-dispatch";
    public const string PagerDutyEventsUrl = "https://events.pagerduty.com/v2/enqueue";

    /// <summary>The URL as it may appear in summaries and logs.</summary>
    public string RedactedUrl => Secrets.RedactUrl(Kind == AlertTargetKind.PagerDuty ? Url ?? PagerDutyEventsUrl : Url);
}
