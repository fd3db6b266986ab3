namespace Aionis.Data.Model;

/// <summary>A persisted pause of a registry task: <c>worker.task_pauses</c>. <see cref="Until"/> null = until resumed.</summary>
public sealed class TaskPause
{
    public required string TaskId { get; set; }
    public DateTimeOffset PausedAt { get; set; }
    public required string PausedBy { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset? Until { get; set; }
}
