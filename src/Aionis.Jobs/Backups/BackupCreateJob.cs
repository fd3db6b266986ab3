using System.Diagnostics;
using System.Text.RegularExpressions;
using Aionis.Jobs.Framework;
using Aionis.Jobs.Publishing;

namespace Aionis.Jobs.Backups;

public sealed record BackupCreateSummary(
    bool Ok,
    bool DryRun,
    string BackupId,
    string Database,
    string ServerVersion,
    string? DumpFile,
    long? DumpSizeBytes,
    string? DumpSha256,
    int TableCount,
    long TotalRows,
    IReadOnlyList<TableRowCount> Tables,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    double DumpSeconds,
    IReadOnlyList<PublishResult> Published,
    IReadOnlyList<PrunedBackups> Pruned) : IJobSummary;

/// <summary>
/// Backups removed (or, in a dry run, that would be removed) at one target by <c>--keep</c>, and the newer ones kept
/// that do not verify (<see cref="CorruptBackupIds"/>, not counted toward <c>--keep</c>).
/// </summary>
public sealed record PrunedBackups(string Target, IReadOnlyList<string> BackupIds, IReadOnlyList<string> CorruptBackupIds);

/// <summary>
/// <c>pg_dump --format=custom</c> of the worker's database with row counts taken in the dump's own snapshot, a
/// <c>backup_manifest.json</c> beside it, both published to every <c>--target</c> under <c>&lt;backup_id&gt;/</c>.
/// </summary>
[Job("backup-create", "pg_dump of the configured database with a manifest, published to one or more targets",
    Permissions = [Permissions.RunPgDump, Permissions.UploadObjectStorage], Time = TimeDependence.PresentOnly)]
public sealed partial class BackupCreateJob(BackupDatabase database, PgClient pg, BackupTargets targets) : IJob<BackupCreateOptions, BackupCreateSummary>
{
    public const string DumpFileName = "database.dump";

    public async Task<BackupCreateSummary> RunAsync(BackupCreateOptions options, JobContext context)
    {
        var ct = context.CancellationToken;
        var startedAt = context.Now;
        var selection = new TableSelection(options.Tables, options.ExcludeTable);

        await using var snapshot = await ExportedSnapshot.OpenAsync(database.ConnectionString, ct);
        var backupId = BackupId(startedAt, snapshot.Database, context.RunId);
        var all = await DatabaseTables.ListAsync(snapshot.Connection, ct);
        var selected = selection.Resolve(all);
        var destinations = options.Target.Select(target => PublishTarget.Resolve(target, context)).ToList();

        if (context.DryRun)
        {
            var counts = await DatabaseTables.CountRowsAsync(snapshot.Connection, selected, ct);
            ReportCounts(context, counts, snapshot);
            context.Actions.Record("pg_dump", database.Description, counts.Count, new { backup_id = backupId, tables = counts });
            if (options.Globals) context.Actions.Record("pg_dumpall", database.Description, 1, new { file = GlobalsDump.FileName });
            foreach (var target in destinations)
            {
                context.Actions.Record("upload", targets.Locate(target, backupId), 2, new { files = new[] { DumpFileName, BackupManifest.FileName } });
            }
            var plannedPrunes = await PruneAsync(destinations, options.Keep, backupId, context);
            return Summary(null, counts, snapshot, backupId, startedAt, context.Now, 0, [], plannedPrunes, dryRun: true);
        }

        var workDir = context.ResolvePath(options.WorkDir, "work-dir");
        var folder = Path.Combine(workDir, backupId);
        // The dump and the manifest are staged apart so that every target receives the dump before the manifest.
        var dumpFolder = Path.Combine(folder, "dump");
        var manifestFolder = Path.Combine(folder, "manifest");
        Directory.CreateDirectory(dumpFolder);
        Directory.CreateDirectory(manifestFolder);
        try
        {
            var dumpWatch = Stopwatch.StartNew();
            var partialPath = Path.Combine(dumpFolder, DumpFileName + ".partial");
            // pg_dump imports the exported snapshot as it starts; meanwhile the counts run in the exporting transaction,
            // on exactly the same data, so counting costs no extra wall time.
            var dump = pg.RunAsync("pg_dump", database.ConnectionString,
                ["--format=custom", $"--snapshot={snapshot.Id}", $"--file={partialPath}", .. selection.PgDumpArguments(all, selected)], ct);
            var counting = DatabaseTables.CountRowsAsync(snapshot.Connection, selected, ct);
            await Task.WhenAll(dump, counting);
            var counts = await counting;
            // A write the disk could not hold may only fail here; the checksum is taken of what is on the device.
            DurableFiles.Sync(partialPath);
            var dumpPath = Path.Combine(dumpFolder, DumpFileName);
            File.Move(partialPath, dumpPath);
            dumpWatch.Stop();
            await snapshot.DisposeAsync();
            ReportCounts(context, counts, snapshot);
            // Beside the dump, so every target receives it before the manifest that names it.
            var globalsPath = Path.Combine(dumpFolder, GlobalsDump.FileName);
            if (options.Globals) await GlobalsDump.DumpAsync(pg, database, globalsPath, ct);

            var manifest = new BackupManifest(
                BackupId: backupId,
                Database: snapshot.Database,
                ServerVersion: snapshot.ServerVersion,
                Format: "custom",
                DumpFile: DumpFileName,
                DumpSizeBytes: new FileInfo(dumpPath).Length,
                DumpSha256: await FileDigest.Sha256HexAsync(dumpPath, ct),
                Selection: new BackupSelection(options.Tables, options.ExcludeTable),
                Tables: counts,
                StartedAt: startedAt,
                FinishedAt: context.Now)
            {
                GlobalsFile = options.Globals ? GlobalsDump.FileName : null,
                GlobalsSha256 = options.Globals ? await FileDigest.Sha256HexAsync(globalsPath, ct) : null,
            };
            await manifest.WriteAsync(manifestFolder, ct);
            context.Actions.Record("pg_dump", database.Description, counts.Count, new { backup_id = backupId, size_bytes = manifest.DumpSizeBytes });
            context.Progress($"[backup-create] dumped {manifest.DumpSizeBytes} bytes in {dumpWatch.Elapsed.TotalSeconds:0.0}s");

            var published = new List<PublishResult>();
            foreach (var target in destinations)
            {
                var copy = await targets.PublishAsync(dumpFolder, manifestFolder, manifest, target, ct);
                published.Add(copy);
                context.Actions.Record("upload", copy.PublishedUri, 2);
                context.Artifacts.Add($"backup:{published.Count}", copy.PublishedUri);
                context.Progress($"[backup-create] published {backupId} to {copy.PublishedUri}");
            }
            // Only now, with the new backup verified at every target, may older ones go.
            var pruned = await PruneAsync(destinations, options.Keep, backupId, context);
            return Summary(manifest, counts, snapshot, backupId, startedAt, manifest.FinishedAt, dumpWatch.Elapsed.TotalSeconds, published, pruned, dryRun: false);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            if (!Directory.EnumerateFileSystemEntries(workDir).Any()) Directory.Delete(workDir);
        }
    }

    private void ReportCounts(JobContext context, IReadOnlyList<TableRowCount> counts, ExportedSnapshot snapshot) =>
        context.Progress($"[backup-create] {database.Description}: {counts.Count} tables, {counts.Sum(c => c.Rows)} rows in snapshot {snapshot.Id}");

    /// <summary>Sorts by time first, so the newest backup at a target is the last id in ordinal order.</summary>
    public static string BackupId(DateTimeOffset startedAt, string databaseName, Guid runId) =>
        $"{startedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{UnsafePathCharacters().Replace(databaseName, "_")}-{runId.ToString("N")[^8..]}";

    /// <summary>
    /// <c>--keep N</c> at local targets: the newest N backups that verify (this one included) stay; every backup older
    /// than the Nth of them goes (a dry run only lists them). A backup that does not verify never counts toward N, so a
    /// run of broken backups can never prune the last good one; broken ones newer than the Nth good one are kept and
    /// reported, and go once enough good backups are newer. Checksums are read only when something would be pruned.
    /// </summary>
    private async Task<List<PrunedBackups>> PruneAsync(IReadOnlyList<string> destinations, int? keepNewest, string backupId, JobContext context)
    {
        var pruned = new List<PrunedBackups>();
        if (keepNewest is not { } keep) return pruned;
        var ct = context.CancellationToken;
        foreach (var target in destinations.Where(targets.CanDelete))
        {
            var newestFirst = (await targets.ListAsync(target, ct)).Where(id => id != backupId).Reverse().ToList();
            var corrupt = new List<string>();
            var older = new List<string>();
            if (newestFirst.Count >= keep)
            {
                // The new backup was verified when it was published (in a dry run it is the one that would be).
                var valid = 1;
                foreach (var id in newestFirst)
                {
                    if (valid >= keep)
                    {
                        older.Add(id);
                    }
                    else if (await targets.ProblemAtLocalAsync(target, id, ct) is { } problem)
                    {
                        corrupt.Add(id);
                        context.Progress($"[backup-create] backup {id} at {target} does not verify and does not count toward --keep: {problem}");
                    }
                    else
                    {
                        valid++;
                    }
                }
                older.Reverse();
            }
            foreach (var id in older)
            {
                if (!context.DryRun) await targets.DeleteAsync(target, id, ct);
                context.Actions.Record("delete", targets.Locate(target, id));
            }
            if (older.Count > 0) context.Progress($"[backup-create] {(context.DryRun ? "would prune" : "pruned")} {older.Count} backups at {target}");
            pruned.Add(new PrunedBackups(target, older, corrupt));
        }
        return pruned;
    }

    private static BackupCreateSummary Summary(BackupManifest? manifest, IReadOnlyList<TableRowCount> counts, ExportedSnapshot snapshot, string backupId,
        DateTimeOffset startedAt, DateTimeOffset finishedAt, double dumpSeconds, IReadOnlyList<PublishResult> published, IReadOnlyList<PrunedBackups> pruned, bool dryRun) =>
        new(Ok: true, DryRun: dryRun, BackupId: backupId, Database: snapshot.Database, ServerVersion: snapshot.ServerVersion,
            DumpFile: manifest?.DumpFile, DumpSizeBytes: manifest?.DumpSizeBytes, DumpSha256: manifest?.DumpSha256,
            TableCount: counts.Count, TotalRows: counts.Sum(c => c.Rows), Tables: counts,
            StartedAt: startedAt, FinishedAt: finishedAt, DumpSeconds: JobMath.Round6(dumpSeconds), Published: published, Pruned: pruned);

    [GeneratedRegex("[^A-Za-z0-9_]")]
    private static partial Regex UnsafePathCharacters();
}
