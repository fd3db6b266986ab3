namespace Aionis.Jobs.Alerts;

/// <summary>
/// What happened to one delivery: <c>sent</c> (2xx), <c>failed</c>, or <c>unknown</c> (the request timed out, so the
/// receiver may have accepted it: a retry must carry the same idempotency key), with the last response or error.
/// </summary>
public sealed record DeliveryOutcome(string Status, int? ResponseCode, string? ResponseBody, string? Error, int Attempts)
{
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    public const string Unknown = "unknown";

    public bool IsSent => Status == Sent;

    /// <summary>
    /// The status for <c>control_alert_deliveries</c>, whose check (reference schema) allows only sent, failed and
    /// skipped: an unknown delivery is stored as failed, its error saying it is unknown.
    /// </summary>
    public string StoredStatus => Status == Unknown ? Failed : Status;
}
