namespace Aionis.Data.History;

/// <summary>Values of <c>worker.job_runs.status</c>.</summary>
public static class RunStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string GateFailed = "gate_failed";
    public const string Failed = "failed";
    public const string TimedOut = "timed_out";
    public const string Cancelled = "cancelled";
    public const string Skipped = "skipped";
    public const string Abandoned = "abandoned";

    public static readonly string[] All = [Running, Succeeded, GateFailed, Failed, TimedOut, Cancelled, Skipped, Abandoned];

    /// <summary>Ends that count as failures for retries and alerts (gate verdicts are results, not failures).</summary>
    public static bool IsFailure(string status) => status is Failed or TimedOut or Abandoned;
}

/// <summary>Values of <c>worker.job_runs.trigger</c>.</summary>
public static class RunTrigger
{
    public const string Schedule = "schedule";
    public const string Manual = "manual";
    public const string Enqueued = "enqueued";
    public const string Retry = "retry";
    public const string Recovery = "recovery";
    public const string CatchUp = "catch_up";
}
