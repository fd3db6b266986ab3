using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Alerts;

/// <summary>One test delivery: the channel or route, where it went (redacted) and what came back.</summary>
public sealed record AlertTestDelivery(string Id, string Channel, string Target, string Status, int? ResponseCode, string? Error, int Attempts);

public sealed record AlertTestSummary(
    bool Ok,
    bool Strict,
    bool DryRun,
    DateTimeOffset CheckedAt,
    string Mode,
    string? TenantId,
    int Sent,
    int Failed,
    IReadOnlyList<AlertTestDelivery> Deliveries,
    string? Error) : IJobSummary
{
    public const string OperatorChannels = "operator_channels";
    public const string TenantRoutes = "tenant_routes";
}
