using Microsoft.Extensions.Logging;

namespace Aionis.Jobs.Alerts;

/// <summary>The operator alerts' log lines (event ids 1500–1599).</summary>
internal static partial class AlertLogMessages
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "operator alert {Kind} of {Task} is silenced (silence {Silence}): recorded, not sent")]
    public static partial void Silenced(this ILogger logger, string kind, string task, long silence);

    /// <summary>Debug while no channel exists at all (serve said so once at start), a warning when a routing leaves a severity out.</summary>
    [LoggerMessage(EventId = 1501, Message = "operator alert {EventType} has no channel (severity {Severity}, channels [{Channels}]); see {Key}")]
    public static partial void NoChannel(this ILogger logger, LogLevel level, string eventType, string severity, string channels, string key);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "operator alert {EventType} via {Channel}: already sent or being sent ({Key})")]
    public static partial void AlreadyClaimed(this ILogger logger, string eventType, string? channel, string key);

    /// <summary>Information when sent, a warning when not.</summary>
    [LoggerMessage(EventId = 1503, Message = "operator alert {EventType} via {Channel} ({Type}): {Status} {Code} {Error}")]
    public static partial void Delivered(this ILogger logger, LogLevel level, string eventType, string? channel, string? type, string status, int? code, string? error);

    /// <summary>Debug when re-posted, a warning when not.</summary>
    [LoggerMessage(EventId = 1504, Message = "operator alert re-post of {Task} {Kind} via {Channel}: {Status} {Code} {Error}")]
    public static partial void Reposted(this ILogger logger, LogLevel level, string task, string kind, string? channel, string status, int? code, string? error);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Warning, Message = "no operator alert channels: failures, gate verdicts and overdue tasks alert nobody; set {Key} or {EnvironmentKey} (docs/jobs/alerts.md)")]
    public static partial void NoOperatorChannels(this ILogger logger, string key, string environmentKey);
}
