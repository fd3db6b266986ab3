using Aionis.Data.History;
using Aionis.Jobs.Framework;

namespace Aionis.Worker.Running;

/// <summary>What to run and why: the job with bound options, plus the scheduling facts history records.</summary>
public sealed record RunRequest(JobDescriptor Job, JobOptions Options)
{
    public Guid RunId { get; init; } = Guid.CreateVersion7();
    public string? TaskId { get; init; }
    public string Trigger { get; init; } = RunTrigger.Manual;
    public bool DryRun { get; init; }
    public DateTimeOffset? ScheduledFor { get; init; }
    public int Attempt { get; init; } = 1;
    public string? FireInstanceId { get; init; }
    public string? RegistryHash { get; init; }

    /// <summary><c>job_runs.triggered_by</c>: schedule, recovery, retry, or <c>cli:user@host</c>.</summary>
    public string? TriggeredBy { get; init; }

    /// <summary>The run's log; the scheduler passes its own so that its lines after the run (retries, alerts) join it.</summary>
    public RunLog? Log { get; init; }

    /// <summary>
    /// The job's clock starts here (<see cref="LogicalClock"/>): a rerun's or a backfill's fire time. Null: real time.
    /// </summary>
    public DateTimeOffset? LogicalTime { get; init; }

    /// <summary>Cancels the job's token when exceeded; the run ends <c>timed_out</c>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The tenant the options name (<c>*</c>: every active tenant, a fan-out); null for a job without one.</summary>
    public string? TenantId => (Options as ITenantOptions)?.TenantId;

    /// <summary>Why the run cannot start (e.g. its persisted inputs no longer bind); recorded as a failed run.</summary>
    public string? SetupError { get; init; }
}

/// <summary>How a run ended. <see cref="ExitCode"/> is what the CLI exits with.</summary>
public sealed record RunResult(Guid RunId, string Status, int ExitCode, bool? Ok, object? Summary, string? Error);
