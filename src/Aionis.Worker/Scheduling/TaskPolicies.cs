using System.Text.Json.Serialization;

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
