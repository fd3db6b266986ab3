namespace Aionis.Jobs.Alerts;

/// <summary>What happened to one delivery: <c>sent</c> (2xx) or <c>failed</c>, with the last response or error.</summary>
public sealed record DeliveryOutcome(string Status, int? ResponseCode, string? ResponseBody, string? Error, int Attempts)
{
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Skipped = "skipped";

    public bool IsSent => Status == Sent;
}
