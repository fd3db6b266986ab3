using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// <c>Alerts:Delivery</c>: the resilience pipeline every alert POST goes through (<see cref="AlertResiliencePipeline"/>):
/// how many attempts one delivery gets, how long it waits between them, and when a target's circuit opens. The
/// per-attempt timeout is the caller's (a route's <c>timeout-ms</c>, the operator channels' 8 s).
/// </summary>
public sealed class AlertDeliverySettings
{
    public const string Section = "Alerts:Delivery";

    /// <summary>Attempts of one delivery, the first included; only 429 and 5xx answers are tried again.</summary>
    [Setting($"{Section}:MaxAttempts", Min = "1", Max = "10")]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The first backoff when the receiver sent no Retry-After; it doubles per attempt, with jitter.</summary>
    [Setting($"{Section}:BaseDelay", Min = "00:00:00", Max = "00:01:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between two attempts: a receiver's larger Retry-After (and a long backoff) is cut to it.</summary>
    [Setting($"{Section}:MaxRetryDelay", Min = "00:00:00", Max = "00:05:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts to one target (scheme, host, port) within <see cref="CircuitSamplingDuration"/> before its circuit may open.</summary>
    [Setting($"{Section}:CircuitMinimumThroughput", Min = "2", Max = "1000")]
    public int CircuitMinimumThroughput { get; set; } = 10;

    /// <summary>The share of those attempts that failed (5xx, 429, timeout, connection error) that opens the circuit.</summary>
    [Setting($"{Section}:CircuitFailureRatio", Min = "0.01", Max = "1")]
    public double CircuitFailureRatio { get; set; } = 0.5;

    [Setting($"{Section}:CircuitSamplingDuration", Min = "00:00:00.500", Max = "01:00:00")]
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an open circuit fails deliveries to its target at once, before one trial request goes through.</summary>
    [Setting($"{Section}:CircuitBreakDuration", Min = "00:00:00.500", Max = "1.00:00:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest one delivery can take: every attempt timing out, and the longest wait between each two.</summary>
    public TimeSpan WorstCase(TimeSpan attemptTimeout) => attemptTimeout * MaxAttempts + MaxRetryDelay * (MaxAttempts - 1);
}
