using Aionis.Jobs.Framework;

namespace Aionis.Jobs.KeyRotation;

public sealed record KeyRotationSlaSummary(
    bool Ok,
    bool Strict,
    DateTimeOffset CheckedAt,
    KeyRotationThresholds Thresholds,
    int StaleCount,
    int WarningCount,
    int TenantsWithoutRecentRotation,
    KeyRotationSlaReport Details) : IJobSummary
{
    string? IJobSummary.NotOkReason => Ok ? null
        : Details.Error is { } error ? error
        : $"{StaleCount} active keys older than {Thresholds.MaxAgeDays} days";
}

/// <summary>API-key rotation SLA: stale active keys fail it; warning-window keys and tenants without rotation are reported.</summary>
[Job("hosted-key-rotation-sla", "Stale API keys and tenants without a recent rotation", Permissions = [Permissions.ReadControlPlane])]
public sealed class KeyRotationSlaJob(KeyRotationSlaReader reader) : IJob<KeyRotationSlaOptions, KeyRotationSlaSummary>
{
    public async Task<KeyRotationSlaSummary> RunAsync(KeyRotationSlaOptions options, JobContext context)
    {
        var thresholds = new KeyRotationThresholds(options.MaxAgeDays, options.WarnAgeDays, options.RotationWindowDays);
        var report = await reader.ReadAsync(thresholds, options.Limit, context.Now, context.CancellationToken);
        var staleCount = report.Stale?.Count ?? 0;
        return new KeyRotationSlaSummary(
            Ok: report.Ok && staleCount == 0,
            Strict: options.Strict,
            CheckedAt: report.CheckedAt,
            Thresholds: thresholds,
            StaleCount: staleCount,
            WarningCount: report.WarningWindow?.Count ?? 0,
            TenantsWithoutRecentRotation: report.TenantsWithoutRecentRotation?.Count ?? 0,
            Details: report);
    }
}
