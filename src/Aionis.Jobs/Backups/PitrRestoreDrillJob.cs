using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Aionis.Data.History;
using Aionis.Jobs.Framework;
using Npgsql;

namespace Aionis.Jobs.Backups;

/// <summary>
/// Point-in-time restore drill: <c>pgbackrest restore</c> into a scratch data directory, start it on a free local port,
/// wait until WAL replay reached the target and the copy is promoted, read it (row counts, newest created_at), then stop
/// it and remove the folder — after success, failure, timeout and cancellation alike. Measures RTO (restore + replay +
/// ready) and RPO (target time − newest committed row seen in the copy) against their targets.
/// </summary>
[Job("pitr-restore-drill", "Restore the pgBackRest stanza to a point in time into a scratch server; verify it, measure RTO and RPO, remove it",
    Permissions = [Permissions.RunPgBackRest, Permissions.WriteScratchDatabase], Time = TimeDependence.PresentOnly)]
public sealed partial class PitrRestoreDrillJob(PgBackRest pgBackRest, PgClient pg, BackupDatabase database) : IJob<PitrRestoreDrillOptions, PitrRestoreDrillSummary>
{
    public async Task<PitrRestoreDrillSummary> RunAsync(PitrRestoreDrillOptions options, JobContext context)
    {
        var ct = context.CancellationToken;
        var settings = pgBackRest.Settings;
        var workDir = context.ResolvePath(options.WorkDir);
        var root = Path.Combine(workDir, "scratch");
        var restoreArguments = RestoreArguments(options, root).ToList();
        var summary = new PitrRestoreDrillSummary
        {
            Strict = options.Strict,
            DryRun = context.DryRun,
            Stanza = settings.Stanza!,
            Type = options.Type,
            Target = options.TargetTime,
            Repo = options.Repo,
            Command = pgBackRest.Describe("restore", restoreArguments),
            Database = database.Name,
            DrilledAt = context.Now,
            RtoTargetSeconds = options.RtoTargetSeconds,
            RpoTargetSeconds = options.RpoTargetSeconds,
            ScratchDirectory = root,
        };

        if (context.DryRun)
        {
            summary.BackupSet = options.Set ?? PickSet(await pgBackRest.InfoAsync(options.Repo, ct), options.TargetTime)?.Label;
            context.Actions.Record("create_directory", root, 1);
            context.Actions.Record("pgbackrest_restore", summary.Command, 1, new { backup_set = summary.BackupSet });
            context.Actions.Record("start_server", root, 1, new { listen = "127.0.0.1 (free port)", archive_mode = "off" });
            context.Actions.Record("verify", database.Name, options.CountBiggest + options.CreatedAtTables.Length, new { count_biggest = options.CountBiggest, created_at_tables = options.CreatedAtTables });
            context.Actions.Record("stop_server", root, 1);
            context.Actions.Record("remove_directory", root, 1);
            context.Progress($"[pitr-restore-drill] dry run: would run {summary.Command} (backup set {summary.BackupSet ?? "none found"}), start it on a free port, verify, stop and remove it");
            return summary;
        }

        var rto = Stopwatch.StartNew();
        var phase = Stopwatch.StartNew();
        double restoreSeconds = 0, replaySeconds = 0, verifySeconds = 0;
        var cluster = await ScratchCluster.CreateAsync(root, settings.EffectiveOsUser, pg, ct);
        summary.ScratchPort = cluster.Port;
        context.Actions.Record("create_directory", root, 1);
        try
        {
            var started = context.Now;
            var restore = await pgBackRest.RunAsync("restore", restoreArguments, ct);
            restoreSeconds = phase.Elapsed.TotalSeconds;
            summary.BackupSet = RestoredSet().Match(restore.Stdout + restore.Stderr) is { Success: true } m ? m.Groups[1].Value : options.Set;
            context.Actions.Record("pgbackrest_restore", summary.Command, 1, new { backup_set = summary.BackupSet });
            await StepAsync(context, "restore", restore.ExitCode == 0, started, new { backup_set = summary.BackupSet, seconds = Round(restoreSeconds), error = restore.ExitCode == 0 ? null : restore.Error });
            if (restore.ExitCode != 0)
            {
                summary.Reasons.Add($"restore_failed: pgbackrest restore exited with code {restore.ExitCode}: {restore.Error}");
                return summary;
            }

            started = context.Now;
            phase.Restart();
            var user = new NpgsqlConnectionStringBuilder(database.ConnectionString).Username ?? Environment.UserName;
            try
            {
                await cluster.StartAsync(ct);
                context.Actions.Record("start_server", $"127.0.0.1:{cluster.Port}", 1);
                var limit = TimeSpan.FromSeconds(options.RtoTargetSeconds) - rto.Elapsed;
                await cluster.WaitReadyAsync(database.Name, user, limit > TimeSpan.Zero ? limit : TimeSpan.FromSeconds(1), context.Clock, ct);
                summary.Ready = true;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                summary.Ready = false;
                summary.Reasons.Add($"not_ready: {e.Message}");
            }
            replaySeconds = phase.Elapsed.TotalSeconds;
            rto.Stop();
            await StepAsync(context, "ready", summary.Ready == true, started, new { port = cluster.Port, seconds = Round(replaySeconds) });
            if (summary.Ready != true) return summary;
            summary.RtoSeconds = Round(rto.Elapsed.TotalSeconds);

            started = context.Now;
            phase.Restart();
            string? verifyError = null;
            try
            {
                await using var connection = new NpgsqlConnection(cluster.ConnectionString(database.Name, user));
                await connection.OpenAsync(ct);
                summary.Tables.AddRange(await RestoredCopyReader.CountBiggestAsync(connection, options.CountBiggest, ct));
                foreach (var table in options.CreatedAtTables)
                {
                    summary.Tables.Add(await RestoredCopyReader.ReadNewestAsync(connection, table, options.CreatedAtColumn, ct));
                }
            }
            catch (Exception e) when (e is NpgsqlException or IOException && !ct.IsCancellationRequested)
            {
                // A query the copy refuses (a table it lacks) or a copy that died under it (a full disk): the drill's
                // finding, with the copy's own last word, which goes with the folder in the cleanup below.
                verifyError = $"{PostgresFailures.OneLine(e)}; scratch server log: {await cluster.LogTailAsync()}";
                summary.Reasons.Add($"verify_failed: {verifyError}");
            }
            verifySeconds = phase.Elapsed.TotalSeconds;
            context.Actions.Record("verify", database.Name, summary.Tables.Count);
            await StepAsync(context, "verify", verifyError is null, started, new { tables = summary.Tables, error = verifyError });
            if (verifyError is null) Judge(summary, options);
            return summary;
        }
        finally
        {
            var cleanupStarted = context.Now;
            phase.Restart();
            await cluster.DisposeAsync();
            if (Directory.Exists(workDir) && !Directory.EnumerateFileSystemEntries(workDir).Any()) Directory.Delete(workDir);
            summary.ScratchRemoved = cluster.Removed;
            summary.Timings = new PitrDrillTimings(Round(restoreSeconds), Round(replaySeconds), Round(verifySeconds), Round(phase.Elapsed.TotalSeconds));
            context.Actions.Record("stop_server", root, 1);
            context.Actions.Record("remove_directory", root, 1);
            await StepAsync(context, "cleanup", cluster.Removed, cleanupStarted, new { scratch_directory = root, removed = cluster.Removed }, CancellationToken.None);
            context.Progress($"[pitr-restore-drill] {summary.BackupSet}: RTO {summary.RtoSeconds?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-"}s, RPO {summary.RpoSeconds?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-"}s; {(summary.Ok ? "ok" : string.Join("; ", summary.Reasons))}");
        }
    }

    /// <summary>RPO from the newest committed row seen; both targets; a row newer than the target means the copy overshot.</summary>
    private static void Judge(PitrRestoreDrillSummary summary, PitrRestoreDrillOptions options)
    {
        summary.NewestCommittedAt = summary.Tables.Max(t => t.NewestCreatedAt);
        var target = summary.Target ?? summary.DrilledAt;
        if (summary.NewestCommittedAt is { } newest)
        {
            summary.RpoSeconds = Round(Math.Max(0, (target - newest).TotalSeconds));
            if (summary.Target is { } wanted && newest > wanted)
            {
                summary.Reasons.Add($"restored_past_target: the copy holds a row created at {newest:O}, after the target {wanted:O}");
            }
        }
        if (summary.RtoOk == false) summary.Reasons.Add($"rto_exceeded: restore, replay and ready took {summary.RtoSeconds:0.0}s, target {options.RtoTargetSeconds}s");
        if (summary.RpoOk == false) summary.Reasons.Add($"rpo_exceeded: the newest committed row in the copy is {summary.RpoSeconds:0.0}s older than the target, target {options.RpoTargetSeconds}s");
    }

    private static IEnumerable<string> RestoreArguments(PitrRestoreDrillOptions options, string root)
    {
        yield return "--log-level-console=info";
        yield return $"--pg1-path={Path.Combine(root, "data")}";
        yield return $"--tablespace-map-all={Path.Combine(root, "tablespaces")}";
        // The copy must never archive into the stanza it came from (a new timeline would land beside the real one).
        yield return "--archive-mode=off";
        if (options.Type != PitrRestoreDrillOptions.Latest)
        {
            yield return $"--type={options.Type}";
            yield return "--target-action=promote";
        }
        if (options.TargetTime is { } target) yield return $"--target={target.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}+00";
        if (options.Set is { } set) yield return $"--set={set}";
        foreach (var repo in PgBackRest.RepoArgument(options.Repo)) yield return repo;
    }

    /// <summary>The set pgBackRest would pick: the newest backup that ended before the target (or the newest of all).</summary>
    private static PgBackRestBackup? PickSet(PgBackRestStanzaInfo info, DateTimeOffset? target) =>
        info.Backups.Where(b => b.Error != true && (target is not { } t || b.StoppedAt <= t)).MaxBy(b => b.Timestamp.Stop);

    private static Task StepAsync(JobContext context, string name, bool ok, DateTimeOffset started, object detail, CancellationToken? cancellationToken = null) =>
        context.Steps.RecordAsync(new JobStep(name, ok ? RunStatus.Succeeded : RunStatus.Failed, started, context.Now, detail), cancellationToken ?? context.CancellationToken);

    private static double Round(double seconds) => JobMath.Round6(seconds);

    [GeneratedRegex(@"restore backup set ([0-9]{8}-[0-9]{6}F[^\s,]*)")]
    private static partial Regex RestoredSet();
}
