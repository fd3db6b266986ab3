using Aionis.Jobs.Framework;

namespace Aionis.Worker.Running;

/// <summary>One tenant's part of a fan-out run.</summary>
public sealed record TenantOutcome(string TenantId, bool Ok, string Status, object? Summary, string? Error);

/// <summary>The aggregate summary of a <c>tenant_id: "*"</c> run: ok only if every tenant's run was ok.</summary>
public sealed record FanOutSummary(bool Ok, bool Strict, int TenantCount, IReadOnlyList<string> NotOkTenants, IReadOnlyList<TenantOutcome> Tenants) : IJobSummary
{
    string? IJobSummary.NotOkReason => Ok
        ? null
        : $"{NotOkTenants.Count} of {TenantCount} tenants not ok: " + string.Join("; ",
            Tenants.Where(t => !t.Ok).Select(t => t.Error is { } why ? $"{t.TenantId} ({why})" : t.TenantId));
}
