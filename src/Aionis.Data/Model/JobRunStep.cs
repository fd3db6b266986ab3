namespace Aionis.Data.Model;

/// <summary>A named step of a run (bundle steps, per-tenant steps): <c>worker.job_run_steps</c>.</summary>
public sealed class JobRunStep
{
    public Guid RunId { get; set; }
    public int Seq { get; set; }
    public required string Name { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string Detail { get; set; } = "{}";
}
