using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Monitoring;

/// <summary>Log lines of the monitoring endpoints and gauges (event ids 1900–1999).</summary>
internal static partial class MonitoringLog
{
    [LoggerMessage(EventId = 1900, Level = LogLevel.Information, Message = "monitoring endpoints /metrics, /healthz, /readyz on {Addresses}")]
    public static partial void Listening(ILogger logger, string addresses);

    [LoggerMessage(EventId = 1901, Level = LogLevel.Information, Message = "monitoring endpoints off ({Key} is empty)")]
    public static partial void Disabled(ILogger logger, string key);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Error,
        Message = "monitoring endpoints not started: cannot listen on {Addresses} ({Error}); /metrics, /healthz and /readyz are unavailable, the schedule runs on")]
    public static partial void ListenFailed(ILogger logger, string addresses, string error);

    [LoggerMessage(EventId = 1903, Level = LogLevel.Warning, Message = "task gauges not sampled: {Error}")]
    public static partial void SampleFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 1904, Level = LogLevel.Warning, Message = "open operator alerts not re-posted to Alertmanager: {Error}")]
    public static partial void RepostFailed(ILogger logger, string error);
}
