using System.Diagnostics;
using Aionis.Data.History;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Backups;

public sealed record PitrBackupSummary(
    bool Ok,
    bool DryRun,
    string Stanza,
    string Type,
    int? Repo,
    string Command,
    string? Label,
    string? Prior,
    long? SizeBytes,
    long? DeltaBytes,
    long? RepoSizeBytes,
    long? RepoDeltaBytes,
    string? WalStart,
    string? WalStop,
    string? LsnStart,
    string? LsnStop,
    DateTimeOffset? BackupStartedAt,
    DateTimeOffset? BackupStoppedAt,
    double DurationSeconds) : IJobSummary;

/// <summary>
/// <c>pgbackrest backup --type=full|diff|incr</c> of the configured stanza; what pgBackRest made of it (label, sizes, WAL
/// range, repository) is read back from <c>pgbackrest info --output=json</c> into the summary and a <c>backup</c> step.
/// </summary>
[Job("pitr-backup", "pgBackRest full/diff/incr backup of the stanza; records label, size, WAL range and repository",
    Permissions = [Permissions.RunPgBackRest], Time = TimeDependence.PresentOnly)]
public sealed class PitrBackupJob(PgBackRest pgBackRest) : IJob<PitrBackupOptions, PitrBackupSummary>
{
    public async Task<PitrBackupSummary> RunAsync(PitrBackupOptions options, JobContext context)
    {
        var ct = context.CancellationToken;
        string[] arguments = [$"--type={options.Type}", .. PgBackRest.RepoArgument(options.Repo)];
        var command = pgBackRest.Describe("backup", arguments);
        var before = await pgBackRest.InfoAsync(options.Repo, ct);

        if (context.DryRun)
        {
            var basedOn = options.Type == PitrBackupTypes.Full ? null : before.NewestCovering(options.Type == PitrBackupTypes.Diff ? PitrBackupTypes.Full : PitrBackupTypes.Incr);
            context.Actions.Record("pgbackrest_backup", command, 1, new { type = options.Type, repo = options.Repo, based_on = basedOn?.Label });
            context.Progress($"[pitr-backup] dry run: would run {command}{(basedOn is null ? "" : $" on top of {basedOn.Label}")}");
            return Summary(options, command, null, 0, dryRun: true);
        }

        var started = context.Now;
        var watch = Stopwatch.StartNew();
        await pgBackRest.RunCheckedAsync("backup", arguments, ct);
        watch.Stop();
        var known = before.Backups.Select(b => b.Label).ToHashSet(StringComparer.Ordinal);
        var made = (await pgBackRest.InfoAsync(options.Repo, ct)).Backups.LastOrDefault(b => !known.Contains(b.Label))
            ?? throw new InvalidOperationException($"{command} exited 0 but pgbackrest info lists no new backup");
        context.Actions.Record("pgbackrest_backup", command, 1, new { label = made.Label, type = made.Type });
        context.Artifacts.Add("pgbackrest_backup", made.Label);
        var summary = Summary(options, command, made, watch.Elapsed.TotalSeconds, dryRun: false);
        await context.Steps.RecordAsync(new JobStep("backup", RunStatus.Succeeded, started, context.Now, summary), ct);
        context.Progress($"[pitr-backup] {made.Type} backup {made.Label}: {made.Info.Repository.Delta} bytes in the repository, WAL {made.Archive?.Start}..{made.Archive?.Stop}, {watch.Elapsed.TotalSeconds:0.0}s");
        return summary;
    }

    private PitrBackupSummary Summary(PitrBackupOptions options, string command, PgBackRestBackup? made, double seconds, bool dryRun) =>
        new(Ok: true, DryRun: dryRun, Stanza: pgBackRest.Stanza, Type: made?.Type ?? options.Type, Repo: made?.Database.RepoKey ?? options.Repo,
            Command: command, Label: made?.Label, Prior: made?.Prior,
            SizeBytes: made?.Info.Size, DeltaBytes: made?.Info.Delta, RepoSizeBytes: made?.Info.Repository.Size, RepoDeltaBytes: made?.Info.Repository.Delta,
            WalStart: made?.Archive?.Start, WalStop: made?.Archive?.Stop, LsnStart: made?.Lsn?.Start, LsnStop: made?.Lsn?.Stop,
            BackupStartedAt: made?.StartedAt, BackupStoppedAt: made?.StoppedAt, DurationSeconds: JobMath.Round6(seconds));
}
