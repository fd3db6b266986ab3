using System.Text.Json.Serialization;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// A registry task's <c>notify:</c> block, the one shape from the registry file through the persisted schedule to the
/// alert: which run outcomes alert operators, at what severity, through which channels (<see cref="Channels"/> by id,
/// else <c>Alerts:Routing</c> for the severity), when the task is overdue and when a run is long-running.
/// </summary>
public sealed record NotifyPolicy
{
    public static readonly TimeSpan DefaultDedupeWindow = TimeSpan.FromMinutes(30);

    /// <summary>A task without a <c>notify</c> block.</summary>
    public static NotifyPolicy None { get; } = new();

    public bool OnFailure { get; init; }
    public bool OnGateFailed { get; init; }
    public string Severity { get; init; } = AlertSeverity.Warning;
    public IReadOnlyList<string> Channels { get; init; } = [];

    /// <summary>Overdue when the last success is older than this; null = twice the schedule period.</summary>
    public TimeSpan? OverdueAfter { get; init; }

    /// <summary><c>long_running_after</c>: alert while a run is still going after this long.</summary>
    public TimeSpan? LongRunningAfter { get; init; }

    /// <summary><c>long_running: p95xN</c>: alert after N times the task's 7-day p95 duration.</summary>
    public double? LongRunningP95Factor { get; init; }

    /// <summary>A task that keeps failing alerts again only after this long (not a registry field, so not persisted).</summary>
    [JsonIgnore]
    public TimeSpan DedupeWindow { get; init; } = DefaultDedupeWindow;

    /// <summary>Whether the task declared a <c>notify</c> block at all (what the dead-man switch and run alerts watch).</summary>
    [JsonIgnore]
    public bool Declared => OnFailure || OnGateFailed || OverdueAfter is not null || Channels.Count > 0 || LongRunningAfter is not null
        || LongRunningP95Factor is not null;
}

/// <summary>
/// How a run of a registry task ended, for the run's observers (operator alerts, <c>after:</c> followers);
/// <see cref="Status"/> is a <c>worker.job_runs.status</c> value, <see cref="Node"/> where it ran.
/// </summary>
public sealed record RunFinishedNotice(
    string TaskId,
    string Job,
    Guid RunId,
    string Status,
    int Attempt,
    int MaxAttempts,
    string? Error,
    DateTimeOffset FinishedAt,
    string? Node = null,
    bool DryRun = false);

/// <summary>
/// A task to check for the dead-man switch. <see cref="LastSuccessAt"/> null = never succeeded; such a task is judged
/// from <see cref="Since"/> (e.g. when it was added to the schedule), and not at all when that is unknown too.
/// <see cref="ExpectedPeriod"/> null = no schedule of its own (a task with only <c>after:</c>): it runs when its upstream
/// does, so it is overdue only after an explicit <c>overdue_after</c>.
/// </summary>
public sealed record OverdueCandidate(string TaskId, DateTimeOffset? LastSuccessAt, TimeSpan? ExpectedPeriod, NotifyPolicy Policy)
{
    public DateTimeOffset? Since { get; init; }

    public TimeSpan? OverdueAfter => Policy.OverdueAfter ?? ExpectedPeriod * 2;

    /// <summary>The last success (or, before the first, the time the task was added) lies further back than <see cref="OverdueAfter"/>.</summary>
    public bool IsOverdue(DateTimeOffset now) => (LastSuccessAt ?? Since) is { } reference && OverdueAfter is { } after && now - reference > after;
}
