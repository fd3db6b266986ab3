using Aionis.Data.Backups;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Backups;

public sealed record ArchiverReport(
    long ArchivedCount,
    string? LastArchivedWal,
    DateTimeOffset? LastArchivedAt,
    double? LastArchivedAgeSeconds,
    long FailedCount,
    long? FailedSinceLastCheck,
    DateTimeOffset? LastCheckAt,
    string? LastFailedWal,
    DateTimeOffset? LastFailedAt,
    bool FailingNow,
    string CurrentWal,
    bool HasUnarchivedWal);

/// <summary>The newest backup that stands for one schedule (a newer full counts for diff and incr, a diff for incr).</summary>
public sealed record BackupFreshness(string Type, string? Label, string? LabelType, DateTimeOffset? StoppedAt, double? AgeSeconds, double MaxAgeSeconds, bool Ok);

public sealed record PitrArchiveCheckSummary(
    bool Ok,
    bool Strict,
    bool DryRun,
    string Stanza,
    DateTimeOffset CheckedAt,
    double RpoExposureSeconds,
    double MaxRpoSeconds,
    ArchiverReport Archiver,
    IReadOnlyList<BackupFreshness> Backups,
    IReadOnlyList<string> Reasons) : IJobSummary;

/// <summary>
/// Is RPO at risk now? pg_stat_archiver says how old the last archived WAL is and whether archiving fails; pgbackrest info
/// says how old the newest backup of each schedule is. The exposure is the last archived WAL's age while the server has
/// WAL that is not archived yet (an idle, fully archived server risks nothing).
/// </summary>
[Job("pitr-archive-check", "WAL archiving and backup freshness of the pgBackRest stanza: RPO exposure against --max-rpo",
    Permissions = [Permissions.RunPgBackRest])]
public sealed class PitrArchiveCheckJob(PgBackRest pgBackRest, PitrServerReader server, PitrArchiverStateStore states)
    : IJob<PitrArchiveCheckOptions, PitrArchiveCheckSummary>
{
    public async Task<PitrArchiveCheckSummary> RunAsync(PitrArchiveCheckOptions options, JobContext context)
    {
        var ct = context.CancellationToken;
        var now = context.Now;
        var stanza = pgBackRest.Stanza;
        var status = await server.ReadArchiverAsync(ct);
        var info = await pgBackRest.InfoAsync(options.Repo, ct);
        var previous = await states.GetAsync(stanza, ct);
        var reasons = new List<string>();

        // Counters restart with the statistics (stats_reset) or a server restart: then the whole count is "since".
        long? failedSince = previous is null ? null
            : previous.StatsReset == status.StatsReset && status.FailedCount >= previous.FailedCount ? status.FailedCount - previous.FailedCount
            : status.FailedCount;
        var archivedAge = status.LastArchivedTime is { } archivedAt ? Seconds(now - archivedAt) : (double?)null;
        var exposure = JobMath.Round6(status.RpoExposureSeconds(now));
        var maxRpo = options.MaxRpoAge.TotalSeconds;
        if (exposure > maxRpo)
        {
            reasons.Add($"rpo_at_risk: the last archived WAL ({status.LastArchivedWal ?? "none"}) is {exposure:0}s old while {status.CurrentWal} is being written, max {maxRpo:0}s");
        }
        if (status.FailingNow)
        {
            reasons.Add($"archive_failing: archiving {status.LastFailedWal} failed at {status.LastFailedTime:u} ({failedSince?.ToString() ?? "unknown"} failures since the last check); see the server log for archive_command's error");
        }

        var backups = options.MaxAges().Select(limit =>
        {
            var newest = info.NewestCovering(limit.Type);
            var age = newest is null ? (double?)null : Seconds(now - newest.StoppedAt);
            return new BackupFreshness(limit.Type, newest?.Label, newest?.Type, newest?.StoppedAt, age, limit.MaxAge.TotalSeconds,
                age is { } a && a <= limit.MaxAge.TotalSeconds);
        }).ToList();
        reasons.AddRange(backups.Where(b => !b.Ok).Select(b => b.Label is null
            ? $"backup_missing: no {b.Type} backup (or newer full) in stanza {stanza}"
            : $"backup_too_old: newest {b.Type} backup {b.Label} is {b.AgeSeconds:0}s old, max {b.MaxAgeSeconds:0}s"));

        if (!context.DryRun)
        {
            await states.SaveAsync(new PitrArchiverState(stanza, now, status.ArchivedCount, status.FailedCount, status.StatsReset), ct);
        }
        context.Progress($"[pitr-archive-check] {stanza}: RPO exposure {exposure:0}s (max {maxRpo:0}s), last archived {status.LastArchivedWal ?? "none"}; {(reasons.Count == 0 ? "ok" : string.Join("; ", reasons))}");
        var archiver = new ArchiverReport(status.ArchivedCount, status.LastArchivedWal, status.LastArchivedTime, archivedAge, status.FailedCount,
            failedSince, previous?.CheckedAt, status.LastFailedWal, status.LastFailedTime, status.FailingNow, status.CurrentWal, status.HasUnarchivedWal);
        return new PitrArchiveCheckSummary(reasons.Count == 0, options.Strict, context.DryRun, stanza, now, exposure, maxRpo, archiver, backups, reasons);
    }

    private static double Seconds(TimeSpan span) => JobMath.Round6(Math.Max(0, span.TotalSeconds));
}
