using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aionis.Worker.Monitoring;

/// <summary>
/// How <c>/healthz</c> and <c>/readyz</c> answer: 200 when every check of the endpoint is healthy, else 503, with a JSON
/// body naming each check, its status and what it saw:
/// <c>{"status":"unhealthy","checks":[{"name":"database","status":"unhealthy","description":"…","duration_ms":2.1}]}</c>.
/// </summary>
public static class HealthResponse
{
    public static HealthCheckOptions For(string tag) => new()
    {
        Predicate = registration => registration.Tags.Contains(tag),
        ResponseWriter = WriteAsync,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
        AllowCachingResponses = false,
    };

    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("status", Name(report.Status));
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", Name(entry.Status));
            // A check that threw or timed out has no description of its own: say which.
            json.WriteString("description", entry.Description ?? (entry.Exception is OperationCanceledException ? "timed out" : entry.Exception?.Message));
            json.WriteNumber("duration_ms", Math.Round(entry.Duration.TotalMilliseconds, 1));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    private static string Name(HealthStatus status) => status.ToString().ToLowerInvariant();
}
