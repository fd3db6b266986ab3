using System.Security.Cryptography;
using System.Text;

namespace Aionis.Jobs.Alerts;

/// <summary>Idempotency keys of alert deliveries and how long a claim to send one is held.</summary>
public static class AlertIdempotency
{
    /// <summary>Slack for the bookkeeping around a send.</summary>
    private static readonly TimeSpan LeaseSlack = TimeSpan.FromSeconds(60);

    /// <summary>A fresh key for a delivery that has no earlier, possibly accepted attempt.</summary>
    public static string NewKey() => "aionis-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// The key of one operator notification, the same on every node and every retry: the episode's dedup key, when it
    /// opened, and the last send it follows (a reminder is a new notification, a retry of an unknown one is not).
    /// </summary>
    public static string OperatorKey(string dedupKey, DateTimeOffset openedAt, DateTimeOffset? lastSentAt, bool resolve) =>
        OperatorKey(dedupKey, openedAt, lastSentAt, resolve ? "resolve" : "trigger");

    /// <param name="action">trigger, resolve or acknowledge (then <paramref name="at"/> is the acknowledgement's time).</param>
    public static string OperatorKey(string dedupKey, DateTimeOffset openedAt, DateTimeOffset? at, string action)
    {
        var text = $"{dedupKey}|{openedAt.ToUnixTimeMilliseconds()}|{at?.ToUnixTimeMilliseconds()}|{action}";
        return "aionis-op-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    /// <summary>How long a sending run holds its claim: its longest delivery (every attempt and wait) plus slack; then it is presumed gone.</summary>
    public static TimeSpan Lease(TimeSpan attemptTimeout, AlertDeliverySettings delivery) => delivery.WorstCase(attemptTimeout) + LeaseSlack;

    /// <summary>The stored error of a delivery whose outcome is unknown.</summary>
    public static string UnknownError(string? error) =>
        $"delivery_unknown: {error}; the receiver may have accepted it, the next run retries with the same idempotency key";
}
