namespace Aionis.Data.Model;

/// <summary>
/// One operator alert episode of a registry task (<c>worker.operator_alerts</c>): a run failure, a gate failure or an
/// overdue task. Open while <see cref="ResolvedAt"/> is null; <see cref="LastSentAt"/> drives the dedupe window.
/// </summary>
public sealed class OperatorAlert
{
    public required string TaskId { get; set; }

    /// <summary><c>failure</c>, <c>gate_failed</c> or <c>overdue</c>.</summary>
    public required string Kind { get; set; }
    public required string DedupKey { get; set; }
    public required string Severity { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset? LastSentAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public int Occurrences { get; set; } = 1;
    public Guid? LastRunId { get; set; }
    public string? LastError { get; set; }
}
