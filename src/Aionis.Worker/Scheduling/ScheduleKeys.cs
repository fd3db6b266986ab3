using Quartz;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// Names the registry uses in Quartz's tables: one durable job per task, its cron trigger, and one-shot triggers with
/// the data of one run. The task's own job data is <see cref="TaskDefinition.ToJobData"/>'s.
/// </summary>
public static class ScheduleKeys
{
    /// <summary>Job group of registry tasks and group of their cron triggers (the views read it).</summary>
    public const string RegistryGroup = "registry";

    /// <summary>One-shot triggers of persisted retries.</summary>
    public const string RetryGroup = "retry";

    /// <summary>One-shot triggers of <c>aionis run --enqueue</c> and the local-run kick-off.</summary>
    public const string EnqueuedGroup = "enqueued";

    public const string Attempt = "attempt";
    public const string DryRunOverride = "dry_run";
    public const string InputOverrides = "input_overrides";
    public const string TriggeredBy = "triggered_by";

    /// <summary>The operator behind an enqueued rerun or backfill run (whose <c>triggered_by</c> names the control).</summary>
    public const string RequestedBy = "requested_by";

    /// <summary>An enqueued run's id, chosen by who enqueued it (so <c>run --wait</c> can follow it).</summary>
    public const string RunId = "run_id";

    /// <summary>The fire time a rerun or backfilled run stands for: its <c>scheduled_for</c> and its job's clock.</summary>
    public const string LogicalTime = "logical_time";

    public static JobKey Job(string taskId) => new(taskId, RegistryGroup);
    public static TriggerKey Trigger(string taskId) => new(taskId, RegistryGroup);
}
