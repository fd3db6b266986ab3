namespace Aionis.Jobs.Alerts;

/// <summary>
/// A registry task's <c>notify:</c> block: which run outcomes alert operators, at what severity, through
/// which channels (<see cref="Channels"/> by id, else <c>Alerts:Routing</c> for the severity), and when the task is overdue.
/// </summary>
public sealed record NotifyPolicy
{
    public static readonly TimeSpan DefaultDedupeWindow = TimeSpan.FromMinutes(30);

    public bool OnFailure { get; init; }
    public bool OnGateFailed { get; init; }
    public string Severity { get; init; } = AlertSeverity.Warning;
    public IReadOnlyList<string> Channels { get; init; } = [];

    /// <summary>Overdue when the last success is older than this; null = twice the schedule period.</summary>
    public TimeSpan? OverdueAfter { get; init; }

    /// <summary>A task that keeps failing alerts again only after this long.</summary>
    public TimeSpan DedupeWindow { get; init; } = DefaultDedupeWindow;
}

/// <summary>How a run of a registry task ended; <see cref="Status"/> is a <c>worker.job_runs.status</c> value, <see cref="Node"/> where it ran.</summary>
public sealed record RunFinishedNotice(
    string TaskId,
    string Job,
    Guid RunId,
    string Status,
    int Attempt,
    int MaxAttempts,
    string? Error,
    DateTimeOffset FinishedAt,
    string? Node = null);

/// <summary>
/// A task to check for the dead-man switch. <see cref="LastSuccessAt"/> null = never succeeded; such a task is judged
/// from <see cref="Since"/> (e.g. when it was added to the schedule), and not at all when that is unknown too.
/// </summary>
public sealed record OverdueCandidate(string TaskId, DateTimeOffset? LastSuccessAt, TimeSpan ExpectedPeriod, NotifyPolicy Policy)
{
    public DateTimeOffset? Since { get; init; }

    public TimeSpan OverdueAfter => Policy.OverdueAfter ?? ExpectedPeriod * 2;

    /// <summary>The last success (or, before the first, the time the task was added) lies further back than <see cref="OverdueAfter"/>.</summary>
    public bool IsOverdue(DateTimeOffset now) => (LastSuccessAt ?? Since) is { } reference && now - reference > OverdueAfter;
}
