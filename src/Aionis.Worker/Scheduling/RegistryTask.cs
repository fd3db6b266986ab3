using Aionis.Jobs.Framework;

namespace Aionis.Worker.Scheduling;

/// <summary>What a fire does when the task is already running somewhere in the cluster.</summary>
public enum OverlapPolicy { Skip, Queue, Allow }

/// <summary>What happens to fires missed while no node was running: one run now, or wait for the next.</summary>
public enum CatchUpPolicy { Once, Skip }

/// <summary>Attempts include the first; a failed or timed-out run gets another after min(max_backoff, backoff·2^(attempt-1)).</summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan Backoff, TimeSpan MaxBackoff)
{
    public static RetryPolicy None { get; } = new(1, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30));

    public TimeSpan DelayAfter(int attempt) =>
        TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, (long)Math.Min(long.MaxValue, Backoff.Ticks * Math.Pow(2, attempt - 1))));
}

/// <summary>A <c>groups:</c> entry: at most <see cref="MaxRunning"/> live runs of its tasks at once in the cluster.</summary>
public sealed record ConcurrencyGroup(string Name, int MaxRunning);

/// <summary>
/// An <c>after:</c> entry: the task follows <see cref="Task"/>. Without a schedule it fires when a live run of the
/// upstream ends with <see cref="Status"/>; with one, a fire is skipped unless such a run ended within <see cref="Within"/>.
/// </summary>
public sealed record AfterDependency(string Task, TimeSpan Within, string Status)
{
    public int Line { get; init; }
    public int Column { get; init; }
}

/// <summary>Operator alerts for a task: failures after the last attempt, gate verdicts, overdue runs.</summary>
public sealed record NotifySettings(bool OnFailure, bool OnGateFailed, string Severity, IReadOnlyList<string> Channels, TimeSpan? OverdueAfter)
{
    /// <summary><c>long_running_after</c>: alert while a run is still going after this long.</summary>
    public TimeSpan? LongRunningAfter { get; init; }

    /// <summary><c>long_running: p95xN</c>: alert after N times the task's 7-day p95 duration.</summary>
    public double? LongRunningP95Factor { get; init; }

    public static NotifySettings None { get; } = new(false, false, "warning", [], null);
}

/// <summary>One validated task of task_registry.yml, with defaults applied and inputs bound to the job's options.</summary>
public sealed record RegistryTask
{
    public required string Id { get; init; }
    public required JobDescriptor Job { get; init; }
    public string? Description { get; init; }
    public string? Owner { get; init; }

    /// <summary>The schedule as written (5-field cron, Quartz cron or @daily…).</summary>
    public required string Schedule { get; init; }

    /// <summary>The same schedule as a Quartz cron expression; empty for a task fired only by its <see cref="After"/> upstreams.</summary>
    public required string QuartzCron { get; init; }

    /// <summary>Whether the task has a cron schedule of its own (a task with only <c>after:</c> has none).</summary>
    public bool Scheduled => QuartzCron.Length > 0;

    public IReadOnlyList<AfterDependency> After { get; init; } = [];

    public required string TimeZone { get; init; }
    public bool Enabled { get; init; } = true;
    public bool DryRun { get; init; }
    public IReadOnlyList<string> Permissions { get; init; } = [];
    public NotifySettings Notify { get; init; } = NotifySettings.None;

    /// <summary>Inputs as written (registry names), kept to rebind with overrides (<c>aionis run --set</c>).</summary>
    public IReadOnlyDictionary<string, object?> Inputs { get; init; } = new Dictionary<string, object?>();

    public required JobOptions Options { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);
    public OverlapPolicy Overlap { get; init; } = OverlapPolicy.Skip;
    public CatchUpPolicy CatchUp { get; init; } = CatchUpPolicy.Once;

    /// <summary>Missed fires older than this before a catch-up are dropped (one <c>skipped</c> row counts them); null: no bound.</summary>
    public TimeSpan? CatchUpWindow { get; init; }

    /// <summary>The calendars of <c>exclude_calendars</c> with their bases; null when the task names none.</summary>
    public TaskCalendar? Calendar { get; init; }

    /// <summary>Upper bound of the stable per-fire delay (<see cref="FireJitter"/>); zero: none.</summary>
    public TimeSpan Jitter { get; init; }

    public ConcurrencyGroup? Group { get; init; }
    public RetryPolicy Retry { get; init; } = RetryPolicy.None;
    public bool RequestsRecovery { get; init; } = true;
    public int Line { get; init; }
    public int Column { get; init; }
}

/// <summary>A validated registry file: its tasks and the hash recorded with every sync and run.</summary>
public sealed record TaskRegistry(string Path, string Hash, IReadOnlyList<RegistryTask> Tasks)
{
    public IReadOnlyDictionary<string, RegistryCalendar> Calendars { get; init; } = new Dictionary<string, RegistryCalendar>();
    public IReadOnlyDictionary<string, ConcurrencyGroup> Groups { get; init; } = new Dictionary<string, ConcurrencyGroup>();

    public RegistryTask? Find(string id) => Tasks.FirstOrDefault(t => t.Id == id);
}
