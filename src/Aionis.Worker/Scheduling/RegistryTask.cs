using System.Text.Json.Serialization;
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
    /// <summary>Where the entry stands in the file (for errors); not persisted.</summary>
    [JsonIgnore] public int Line { get; init; }

    [JsonIgnore] public int Column { get; init; }
}

/// <summary>
/// One validated task of task_registry.yml: its <see cref="TaskDefinition"/> (defaults applied, what a sync persists)
/// and what the loader derived from it and the file: the job type, the inputs bound to its options, the Quartz cron,
/// the calendars and where the task stands in the file.
/// </summary>
public sealed record RegistryTask
{
    public required string Id { get; init; }
    public required TaskDefinition Definition { get; init; }
    public required JobDescriptor Job { get; init; }

    /// <summary>The definition's inputs bound to the job's options (what <c>aionis run</c> without <c>--set</c> runs with).</summary>
    public required JobOptions Options { get; init; }

    /// <summary>The schedule as a Quartz cron expression; empty for a task fired only by its <c>after:</c> upstreams.</summary>
    public required string QuartzCron { get; init; }

    /// <summary>Whether the task has a cron schedule of its own (a task with only <c>after:</c> has none).</summary>
    public bool Scheduled => QuartzCron.Length > 0;

    /// <summary>The calendars of <c>exclude_calendars</c> with their bases; null when the task names none.</summary>
    public TaskCalendar? Calendar { get; init; }

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
