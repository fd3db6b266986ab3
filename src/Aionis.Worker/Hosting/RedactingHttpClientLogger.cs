using Aionis.Jobs.Framework;
using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Hosting;

/// <summary>
/// Replaces Microsoft.Extensions.Http's request logging, which writes the full URL at Information: webhook URLs carry
/// their secret in the path (Slack's <c>/services/T…/B…/…</c>, generic webhook tokens) and sometimes in the query.
/// This one logs the method, scheme, host and port only (<see cref="Secrets.RedactUrl"/>), the status and the time.
/// </summary>
public sealed partial class RedactingHttpClientLogger(ILogger<RedactingHttpClientLogger> logger) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request)
    {
        LogStart(logger, request.Method, Secrets.RedactUrl(request.RequestUri?.ToString()));
        return null;
    }

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed) =>
        LogStop(logger, request.Method, Secrets.RedactUrl(request.RequestUri?.ToString()), (int)response.StatusCode, elapsed.TotalMilliseconds);

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed) =>
        // The exception's own text may quote the URL (e.g. "… (hooks.slack.com:443)" is fine, a full URI is not): type only.
        LogFailed(logger, request.Method, Secrets.RedactUrl(request.RequestUri?.ToString()), exception.GetType().Name, elapsed.TotalMilliseconds);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Debug, Message = "HTTP {Method} {Url} sending")]
    private static partial void LogStart(ILogger logger, HttpMethod method, string url);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "HTTP {Method} {Url} answered {Status} in {ElapsedMs:0.0} ms")]
    private static partial void LogStop(ILogger logger, HttpMethod method, string url, int status, double elapsedMs);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Debug, Message = "HTTP {Method} {Url} failed ({Error}) after {ElapsedMs:0.0} ms")]
    private static partial void LogFailed(ILogger logger, HttpMethod method, string url, string error, double elapsedMs);
}
