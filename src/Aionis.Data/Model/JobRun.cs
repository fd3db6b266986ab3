using System.ComponentModel.DataAnnotations.Schema;
using Aionis.Data.History;

namespace Aionis.Data.Model;

/// <summary>One run of a job: <c>worker.job_runs</c>. Written <c>running</c> before the job starts and finished in one update.</summary>
public sealed class JobRun
{
    public Guid RunId { get; set; }
    public string? TaskId { get; set; }
    public required string Job { get; set; }
    public required string Trigger { get; set; }
    public bool DryRun { get; set; }
    public required string Status { get; set; }
    public bool? Ok { get; set; }
    public int? ExitCode { get; set; }
    public DateTimeOffset? ScheduledFor { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long? DurationMs { get; set; }
    public required string Node { get; set; }
    public int Attempt { get; set; } = 1;
    public string? FireInstanceId { get; set; }
    public string? TenantId { get; set; }
    public string Inputs { get; set; } = "{}";
    public string? Summary { get; set; }
    public string? PlannedActions { get; set; }
    public string? Error { get; set; }
    public string? Artifacts { get; set; }
    public string? TraceId { get; set; }
    public string? RegistryHash { get; set; }

    public List<JobRunStep> Steps { get; set; } = [];

    // Columns and rows added by hand-written migrations (20261201210000_RunTrust), outside the EF model: written and
    // read by RunHistoryStore's SQL, carried through the spool with the rest of the record.

    /// <summary><c>job_runs.triggered_by</c>: schedule, recovery, retry, or <c>cli:user@host</c>.</summary>
    [NotMapped]
    public string? TriggeredBy { get; set; }

    /// <summary>Log lines of the run not yet written to <c>worker.job_run_logs</c>.</summary>
    [NotMapped]
    public List<RunLogLine> Logs { get; set; } = [];
}
