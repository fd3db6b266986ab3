using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// Delivers one alert to one target over HTTP: builds the request, applies the target guard, posts with a timeout per
/// attempt, and retries only 429 (honouring Retry-After, bounded) and 5xx, at most <see cref="MaxAttempts"/> times.
/// Only the first <see cref="ResponseBodyLimit"/> characters of a response are read, however large it is. A timed-out
/// attempt is <c>unknown</c>, not failed, and is not retried here: the receiver may have taken it, and only a retry
/// carrying the same idempotency key (the caller's next run) is safe.
/// </summary>
public sealed class AlertSender(IHttpClientFactory clients, AlertTargetGuard guard, TimeProvider clock)
{
    public const string HttpClientName = "aionis-alerts";
    public const int MaxAttempts = 3;
    public const int ResponseBodyLimit = 2000;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ServerErrorBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly Counter<long> Deliveries = WorkerMeter.Meter.CreateCounter<long>("aionis.alert.deliveries");

    public async Task<DeliveryOutcome> DeliverAsync(AlertTarget target, AlertMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var outcome = await AttemptAsync(target, message, timeout, cancellationToken);
        Deliveries.Add(1, new TagList { { "channel", target.Channel }, { "status", outcome.Status } });
        return outcome;
    }

    private async Task<DeliveryOutcome> AttemptAsync(AlertTarget target, AlertMessage message, TimeSpan timeout, CancellationToken cancellationToken)
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

        var client = clients.CreateClient(HttpClientName);
        for (var attempt = 1; ; attempt++)
        {
            var response = await PostOnceAsync(client, request, timeout, cancellationToken);
            if (response.TimedOut)
            {
                return new DeliveryOutcome(DeliveryOutcome.Unknown, null, null, response.Error, attempt);
            }
            if (response.Code is >= 200 and < 300)
            {
                return new DeliveryOutcome(DeliveryOutcome.Sent, response.Code, response.Body, null, attempt);
            }
            var retryable = response.Code is 429 or >= 500;
            if (!retryable || attempt == MaxAttempts)
            {
                return new DeliveryOutcome(DeliveryOutcome.Failed, response.Code, response.Body,
                    response.Error ?? $"http status {response.Code}", attempt);
            }
            // Real time on purpose: a receiver's Retry-After is wall-clock, whatever clock the run reads its "now" from.
            await Task.Delay(response.RetryAfter ?? ServerErrorBackoff * Math.Pow(2, attempt - 1), cancellationToken);
        }
    }

    private sealed record HttpAttempt(int? Code, string? Body, string? Error, TimeSpan? RetryAfter, bool TimedOut = false);

    private static async Task<HttpAttempt> PostOnceAsync(HttpClient client, AlertRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url) { Content = new ByteArrayContent(request.Body) };
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
        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var body = await ReadLimitedAsync(response.Content, deadline.Token);
            var code = (int)response.StatusCode;
            return new HttpAttempt(code, body, null, code == 429 ? RetryAfter(response.Headers.RetryAfter) : null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HttpAttempt(null, null, $"timed out after {timeout.TotalMilliseconds:0} ms", null, TimedOut: true);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new HttpAttempt(null, null, e.InnerException is HttpRequestException inner ? inner.Message : e.Message, null);
        }
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

    private static TimeSpan RetryAfter(RetryConditionHeaderValue? header)
    {
        var wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : TimeSpan.FromSeconds(1));
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxRetryDelay ? MaxRetryDelay : wait;
    }
}
