using System.Text.Json.Serialization;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.PublishRollup;

public sealed record RollupJobs(long Total, IReadOnlyDictionary<string, long> StatusCounts, long FailedOrDeadLetter);

public sealed record RollupReplay(long ReplayEvents, long PreviewEvents, long ReplayedCount, long CandidateCount);

public sealed record RollupSample(Guid Id, string RunId, string Status, int Attempts, int MaxAttempts, string Target, string? LastError, DateTimeOffset UpdatedAt);

/// <summary>
/// The hosted runbook's replay outcome roll-up (release evidence snapshot, docs/jobs/reports.md): the tenant's publish jobs by
/// status in the window, replay activity from the audit log, and the newest failed/dead-letter jobs. On a missing
/// publish schema: ok false, <c>warning</c>, zero counts, an empty sample.
/// </summary>
public sealed record PublishRollupReport(
    bool Ok,
    string TenantId,
    int WindowHours,
    DateTimeOffset GeneratedAt,
    RollupJobs Jobs,
    RollupReplay Replay,
    IReadOnlyList<RollupSample> FailedSample) : IJobSummary
{
    public const string SchemaMissing = "incident_publish_schema_missing";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Warning { get; init; }

    string? IJobSummary.NotOkReason => Ok ? null : Warning;
}
