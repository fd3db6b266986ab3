using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// Delivers one alert to one target over HTTP: builds the request, applies the target guard, and posts it through the
/// alert client's resilience pipeline (<see cref="AlertResiliencePipeline"/>: bounded attempts, Retry-After, backoff,
/// per-attempt timeout, a circuit per target). Only the first <see cref="ResponseBodyLimit"/> characters of a response
/// are read, however large it is. A timed-out attempt is <c>unknown</c>, not failed: the receiver may have taken it.
/// </summary>
public sealed class AlertSender(IHttpClientFactory clients, AlertTargetGuard guard, TimeProvider clock, IOptions<AlertDeliverySettings> delivery)
{
    public const string HttpClientName = "aionis-alerts";

    /// <summary>The alert client's SSRF guard and redacted logging without its retry pipeline, for GETs that watch a receiver.</summary>
    public const string ProbeHttpClientName = "aionis-probes";
    public const int ResponseBodyLimit = 2000;
    private static readonly Counter<long> Deliveries = WorkerMeter.Meter.CreateCounter<long>("aionis.alert.deliveries");

    /// <summary>The retry and circuit settings every delivery runs with.</summary>
    public AlertDeliverySettings Delivery => delivery.Value;

    public async Task<DeliveryOutcome> DeliverAsync(AlertTarget target, AlertMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var outcome = await SendAsync(target, message, timeout, cancellationToken);
        Deliveries.Add(1, new TagList { { "channel", target.Channel }, { "status", outcome.Status } });
        return outcome;
    }

    private async Task<DeliveryOutcome> SendAsync(AlertTarget target, AlertMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        AlertRequest request;
        try
        {
            request = AlertRequest.Build(target, message, clock.GetUtcNow());
            if (guard.Reject(request.Url, target.Kind) is { } refused)
            {
                throw new AlertTargetException(refused);
            }
        }
        catch (AlertTargetException e)
        {
            return new DeliveryOutcome(DeliveryOutcome.Failed, null, null, e.Message, 0);
        }

        using var post = Post(request);
        var attempts = new StrongBox<int>(1);
        post.Options.Set(AlertResiliencePipeline.AttemptTimeout, timeout);
        post.Options.Set(AlertResiliencePipeline.Attempts, attempts);
        var timedOut = $"timed out after {timeout.TotalMilliseconds:0} ms";
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(post, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var code = (int)response.StatusCode;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            string? body;
            try
            {
                body = await ReadLimitedAsync(response.Content, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new DeliveryOutcome(DeliveryOutcome.Unknown, null, null, timedOut, attempts.Value);
            }
            return code is >= 200 and < 300
                ? new DeliveryOutcome(DeliveryOutcome.Sent, code, body, null, attempts.Value)
                : new DeliveryOutcome(DeliveryOutcome.Failed, code, body, $"http status {code}", attempts.Value);
        }
        catch (TimeoutRejectedException)
        {
            return new DeliveryOutcome(DeliveryOutcome.Unknown, null, null, timedOut, attempts.Value);
        }
        catch (BrokenCircuitException e)
        {
            var retryIn = e.RetryAfter is { } after ? $", tried again in {after.TotalSeconds:0} s" : "";
            return new DeliveryOutcome(DeliveryOutcome.Failed, null, null,
                $"circuit open for {Secrets.RedactUrl(AlertResiliencePipeline.Authority(request.Url))}: its last deliveries failed{retryIn}", attempts.Value);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new DeliveryOutcome(DeliveryOutcome.Failed, null, null, e.InnerException is HttpRequestException inner ? inner.Message : e.Message, attempts.Value);
        }
    }

    private static HttpRequestMessage Post(AlertRequest request)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, request.Url) { Content = new ByteArrayContent(request.Body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("content-type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content.Headers.Remove("content-type");
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return message;
    }

    private static async Task<string?> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[ResponseBodyLimit * 4];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += n;
        }
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        return text.Length == 0 ? null : text[..Math.Min(text.Length, ResponseBodyLimit)];
    }
}
