using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Publishing;

public sealed class PublishReplayOptions : JobOptions, IStrictOptions
{
    public const int MaxIds = 500;

    [Option("tenant-id", "Only replay this tenant's jobs")]
    public string? TenantId { get; set; }

    [Option("all-tenants", "Allow a replay across every tenant (without --tenant-id or --ids)")]
    public bool AllTenants { get; set; }

    [Option("limit", "Most jobs replayed (oldest first)", Min = 1, Max = 200)]
    public int Limit { get; set; } = 50;

    [Option("statuses", "Statuses to replay, comma-separated", Allowed = ["failed", "dead_letter"])]
    public string[] Statuses { get; set; } = ["dead_letter", "failed"];

    [Option("ids", "Only these job ids (UUIDs, comma-separated, at most 500)")]
    public string[] Ids { get; set; } = [];

    [Option("no-reset-attempts", "Keep attempts (capped at max_attempts-1: exactly one more try) instead of resetting to 0")]
    public bool NoResetAttempts { get; set; }

    [Option("reason", "Replay reason, stored in each job's metadata and the audit event")]
    public string Reason { get; set; } = "manual_replay";

    [Option("strict", "Exit 2 when no job matched")]
    public bool Strict { get; set; }

    public bool ResetAttempts => !NoResetAttempts;

    public override IEnumerable<OptionError> Validate()
    {
        if (string.IsNullOrEmpty(TenantId) && Ids.Length == 0 && !AllTenants)
        {
            yield return new OptionError("tenant-id", null, "tenant-id or ids is required unless --all-tenants is set");
        }
        if (Ids.Length > MaxIds) yield return new OptionError("ids", $"{Ids.Length} ids", $"at most {MaxIds} ids");
        foreach (var id in Ids.Where(id => !Guid.TryParse(id, out _)))
        {
            yield return new OptionError("ids", id, "is not a UUID");
        }
    }

    public override void ApplyDerivedLimits()
    {
        Statuses = Statuses.Distinct(StringComparer.Ordinal).ToArray();
        if (Statuses.Length == 0) Statuses = ["dead_letter", "failed"];
    }
}
