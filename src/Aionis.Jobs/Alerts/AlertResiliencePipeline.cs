using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// The Polly pipeline of the alert HttpClient (Microsoft.Extensions.Http.Resilience), one instance per target authority
/// so one dead receiver opens only its own circuit: retry (429 and 5xx only, Retry-After honoured up to
/// <see cref="AlertDeliverySettings.MaxRetryDelay"/>, else jittered exponential backoff) around a circuit breaker around
/// the per-attempt timeout. The same request message is sent on every attempt, so its Idempotency-Key, signature and
/// PagerDuty dedup_key never change. A timed-out attempt is not retried: the receiver may have taken it and Slack drops no
/// repeats, so it ends <c>unknown</c> and only the caller's next run (same key) sends it again.
/// </summary>
public static class AlertResiliencePipeline
{
    /// <summary>The caller's per-attempt timeout, carried on the request.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> AttemptTimeout = new("aionis.alert.attempt-timeout");

    /// <summary>How many attempts the pipeline made for the request (1 + retries).</summary>
    public static readonly HttpRequestOptionsKey<StrongBox<int>> Attempts = new("aionis.alert.attempts");

    public static IHttpClientBuilder AddAlertResilience(this IHttpClientBuilder client)
    {
        client.AddResilienceHandler("delivery", (pipeline, context) =>
            Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<AlertDeliverySettings>>().Value))
            .SelectPipelineBy(_ => request => Authority(request.RequestUri));
        return client;
    }

    /// <summary>The circuit key: scheme, host and port; never the path or user info, where webhook secrets live.</summary>
    public static string Authority(Uri? url) => url is null ? "" : $"{url.Scheme}://{url.IdnHost}:{url.Port}";

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, AlertDeliverySettings settings)
    {
        // Wall-clock on purpose: a receiver's Retry-After and a socket's timeout are real time, whatever clock the
        // worker's runs read "now" from (tests put a fake TimeProvider into DI, which Polly would otherwise take).
        pipeline.TimeProvider = TimeProvider.System;
        if (settings.MaxAttempts > 1)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = settings.MaxAttempts - 1,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } response && IsRetryable(response)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.BaseDelay,
                MaxDelay = settings.MaxRetryDelay,
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args, settings.MaxRetryDelay)),
                OnRetry = args =>
                {
                    if (args.Context.GetRequestMessage()?.Options.TryGetValue(Attempts, out var attempts) == true) attempts.Value++;
                    return ValueTask.CompletedTask;
                },
            });
        }
        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = settings.CircuitFailureRatio,
            MinimumThroughput = settings.CircuitMinimumThroughput,
            SamplingDuration = settings.CircuitSamplingDuration,
            BreakDuration = settings.CircuitBreakDuration,
        });
        pipeline.AddTimeout(new HttpTimeoutStrategyOptions
        {
            TimeoutGenerator = args => ValueTask.FromResult(
                args.Context.GetRequestMessage()?.Options.TryGetValue(AttemptTimeout, out var timeout) == true ? timeout : TimeSpan.FromSeconds(30)),
        });
    }

    private static bool IsRetryable(HttpResponseMessage response) => (int)response.StatusCode is 429 or >= 500;

    /// <summary>The receiver's Retry-After (seconds or a date), cut to <paramref name="cap"/>; null = the backoff.</summary>
    private static TimeSpan? RetryAfter(RetryDelayGeneratorArguments<HttpResponseMessage> args, TimeSpan cap)
    {
        if (args.Outcome.Result?.Headers.RetryAfter is not { } header) return null;
        var wait = header.Delta ?? (header.Date is { } date ? date - TimeProvider.System.GetUtcNow() : (TimeSpan?)null);
        return wait is null ? null : wait < TimeSpan.Zero ? TimeSpan.Zero : wait > cap ? cap : wait;
    }
}
