namespace Aionis.Data.Model;

/// <summary>One reconciliation of task_registry.yml with the persisted schedule, accepted or rejected: <c>worker.registry_syncs</c>.</summary>
public sealed class RegistrySync
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Node { get; set; }
    public required string RegistryHash { get; set; }
    public bool Accepted { get; set; }
    public string[] Added { get; set; } = [];
    public string[] Changed { get; set; } = [];
    public string[] Removed { get; set; } = [];
    public string Errors { get; set; } = "[]";
}
