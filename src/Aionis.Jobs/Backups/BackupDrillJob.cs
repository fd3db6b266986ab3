using System.Diagnostics;
using Aionis.Data.History;
using Aionis.Jobs.Framework;
using Aionis.Jobs.Publishing;
using Npgsql;

namespace Aionis.Jobs.Backups;

/// <summary>
/// Restore drill: fetches a backup back from its target, checks the dump's SHA-256 before anything else, restores it
/// into a scratch database it always drops, compares row counts with the manifest, and measures RTO and RPO.
/// </summary>
[Job("backup-drill", "Restore the newest backup into a scratch database; verify checksum and row counts, measure RTO and RPO",
    Permissions = [Permissions.WriteScratchDatabase])]
public sealed class BackupDrillJob(BackupDatabase database, PgClient pg, BackupTargets targets) : IJob<BackupDrillOptions, BackupDrillSummary>
{
    public async Task<BackupDrillSummary> RunAsync(BackupDrillOptions options, JobContext context)
    {
        var ct = context.CancellationToken;
        var drilledAt = context.Now;
        var source = PublishTarget.Resolve(options.Source, context);
        var backupId = options.Backup ?? (await targets.ListAsync(source, ct)).LastOrDefault()
            ?? throw new InvalidOperationException($"no backup (a folder with {BackupManifest.FileName}) under {source}");
        var scratch = new ScratchDatabase(options.ScratchConnection ?? database.ConnectionString, context.RunId);
        var workDir = context.ResolvePath(options.WorkDir);
        Directory.CreateDirectory(workDir);
        try
        {
            var rto = Stopwatch.StartNew();
            var fetchStarted = context.Now;
            var manifest = await FetchManifestAsync(source, backupId, workDir, ct);
            var summary = new BackupDrillSummary
            {
                Strict = options.Strict,
                DryRun = context.DryRun,
                Source = options.Source,
                BackupId = backupId,
                BackupUri = targets.Locate(source, backupId),
                Database = manifest.Database,
                ServerVersion = manifest.ServerVersion,
                ScratchDatabase = scratch.Name,
                ScratchServer = scratch.Description,
                BackupStartedAt = manifest.StartedAt,
                DrilledAt = drilledAt,
                TableCount = manifest.Tables.Count,
                TotalRows = manifest.TotalRows,
                RpoSeconds = JobMath.Round6((drilledAt - manifest.StartedAt).TotalSeconds),
                RtoTargetSeconds = options.RtoTargetSeconds,
                RpoTargetSeconds = options.RpoTargetSeconds,
            };
            if (!summary.RpoOk)
            {
                summary.Reasons.Add($"rpo_exceeded: backup {backupId} is {summary.RpoSeconds:0}s old at drill time, target {options.RpoTargetSeconds}s");
            }

            if (context.DryRun)
            {
                context.Actions.Record("download", summary.BackupUri, 1, new { file = manifest.DumpFile, size_bytes = manifest.DumpSizeBytes });
                context.Actions.Record("create_database", $"{scratch.Description}", 1);
                context.Actions.Record("pg_restore", scratch.Description, manifest.Tables.Count, new { rows = manifest.TotalRows });
                context.Actions.Record("drop_database", scratch.Description, 1);
                context.Progress($"[backup-drill] dry run: would restore {backupId} ({manifest.DumpSizeBytes} bytes) into {scratch.Description}");
                return summary;
            }

            var dumpPath = Path.Combine(workDir, manifest.DumpFile);
            await targets.DownloadAsync(source, backupId, manifest.DumpFile, dumpPath, ct);
            var fetchSeconds = rto.Elapsed.TotalSeconds;
            await StepAsync(context, "fetch", RunStatus.Succeeded, fetchStarted, new { backup_uri = summary.BackupUri, size_bytes = new FileInfo(dumpPath).Length });
            context.Progress($"[backup-drill] fetched {backupId} in {fetchSeconds:0.0}s");

            var verifyStarted = context.Now;
            summary.ChecksumOk = await VerifyAsync(manifest, dumpPath, summary.Reasons, ct);
            var verifySeconds = rto.Elapsed.TotalSeconds - fetchSeconds;
            await StepAsync(context, "verify", summary.ChecksumOk == true ? RunStatus.Succeeded : RunStatus.Failed, verifyStarted, new { sha256 = manifest.DumpSha256 });
            if (summary.ChecksumOk != true)
            {
                summary.Timings = new DrillTimings(Round(fetchSeconds), Round(verifySeconds), 0, 0);
                return summary;
            }

            var restoreStarted = context.Now;
            var restoreWatch = Stopwatch.StartNew();
            context.Actions.Record("create_database", scratch.Description, 1);
            await scratch.CreateAsync(ct);
            try
            {
                if (manifest.GlobalsFile is { } globals)
                {
                    // Roles first, so the dump's owners and grants find them; only roles the server lacks (see GlobalsDump).
                    var globalsPath = Path.Combine(workDir, GlobalsDump.FileName);
                    await targets.DownloadAsync(source, backupId, globals, globalsPath, ct);
                    if (await FileDigest.Sha256HexAsync(globalsPath, ct) != manifest.GlobalsSha256)
                    {
                        summary.Reasons.Add($"checksum_mismatch: {globals} does not match the manifest; roles not restored");
                    }
                    else
                    {
                        summary.RolesCreated = await GlobalsDump.CreateMissingRolesAsync(scratch.ServerConnectionString, globalsPath, ct);
                        context.Actions.Record("create_roles", scratch.Description, summary.RolesCreated.Count, new { roles = summary.RolesCreated });
                    }
                }
                summary.Restored = await RestoreAsync(dumpPath, scratch, options.RestoreJobs, summary.Reasons, ct);
                restoreWatch.Stop();
                rto.Stop();
                summary.RtoSeconds = Round(rto.Elapsed.TotalSeconds);
                context.Actions.Record("pg_restore", scratch.Description, manifest.Tables.Count);
                await StepAsync(context, "restore", summary.Restored == true ? RunStatus.Succeeded : RunStatus.Failed, restoreStarted,
                    new { scratch_database = scratch.Name, seconds = Round(restoreWatch.Elapsed.TotalSeconds) });
                context.Progress($"[backup-drill] restored into {scratch.Name} in {restoreWatch.Elapsed.TotalSeconds:0.0}s");

                var compareWatch = Stopwatch.StartNew();
                if (summary.Restored == true)
                {
                    var compareStarted = context.Now;
                    summary.Mismatches.AddRange(await CompareCountsAsync(manifest, scratch, ct));
                    summary.CountsMatch = summary.Mismatches.Count == 0;
                    summary.Reasons.AddRange(summary.Mismatches.Select(m =>
                        $"row_count_mismatch: {m.Table} has {m.Expected} rows in the manifest, {(m.Restored is { } r ? r.ToString() : "table missing")} restored"));
                    await StepAsync(context, "compare", summary.CountsMatch == true ? RunStatus.Succeeded : RunStatus.Failed, compareStarted, new { mismatches = summary.Mismatches });
                }
                summary.Timings = new DrillTimings(Round(fetchSeconds), Round(verifySeconds), Round(restoreWatch.Elapsed.TotalSeconds), Round(compareWatch.Elapsed.TotalSeconds));
                if (summary.RtoOk == false)
                {
                    summary.Reasons.Add($"rto_exceeded: restore took {summary.RtoSeconds:0.0}s, target {options.RtoTargetSeconds}s");
                }
            }
            finally
            {
                var dropStarted = context.Now;
                await scratch.DropAsync(CancellationToken.None);
                if (summary.RolesCreated is { Count: > 0 } roles) await GlobalsDump.DropRolesAsync(scratch.ServerConnectionString, roles);
                summary.ScratchDropped = true;
                context.Actions.Record("drop_database", scratch.Description, 1);
                await StepAsync(context, "drop", RunStatus.Succeeded, dropStarted, new { scratch_database = scratch.Name });
            }
            context.Progress($"[backup-drill] {backupId}: {(summary.Ok ? "ok" : string.Join("; ", summary.Reasons))}");
            return summary;
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    private async Task<BackupManifest> FetchManifestAsync(string source, string backupId, string workDir, CancellationToken ct)
    {
        var path = Path.Combine(workDir, BackupManifest.FileName);
        await targets.DownloadAsync(source, backupId, BackupManifest.FileName, path, ct);
        var manifest = await BackupManifest.ReadAsync(path, ct);
        if (Path.GetFileName(manifest.DumpFile) != manifest.DumpFile || manifest.DumpFile is "." or ".." or BackupManifest.FileName)
        {
            throw new InvalidDataException($"{backupId}/{BackupManifest.FileName}: dump_file '{manifest.DumpFile}' must be a file name beside the manifest");
        }
        if (manifest.GlobalsFile is { } globals && globals != GlobalsDump.FileName)
        {
            throw new InvalidDataException($"{backupId}/{BackupManifest.FileName}: globals_file '{globals}' must be {GlobalsDump.FileName}");
        }
        return manifest;
    }

    private static async Task<bool> VerifyAsync(BackupManifest manifest, string dumpPath, List<string> reasons, CancellationToken ct)
    {
        var size = new FileInfo(dumpPath).Length;
        var sha256 = await FileDigest.Sha256HexAsync(dumpPath, ct);
        if (string.Equals(sha256, manifest.DumpSha256, StringComparison.OrdinalIgnoreCase) && size == manifest.DumpSizeBytes) return true;
        reasons.Add($"checksum_mismatch: {manifest.DumpFile} has sha256 {sha256} ({size} bytes), the manifest says {manifest.DumpSha256} ({manifest.DumpSizeBytes} bytes); not restored");
        return false;
    }

    private async Task<bool> RestoreAsync(string dumpPath, ScratchDatabase scratch, int jobs, List<string> reasons, CancellationToken ct)
    {
        try
        {
            await pg.RunAsync("pg_restore", scratch.ConnectionString,
                ["--no-owner", "--no-privileges", "--exit-on-error", $"--jobs={jobs}", $"--dbname={scratch.Name}", dumpPath], ct);
            return true;
        }
        catch (PgClientException e)
        {
            reasons.Add($"restore_failed: {e.Message}");
            return false;
        }
    }

    private static async Task<List<RowCountMismatch>> CompareCountsAsync(BackupManifest manifest, ScratchDatabase scratch, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(scratch.ConnectionString);
        await connection.OpenAsync(ct);
        var present = (await DatabaseTables.ListAsync(connection, ct)).ToHashSet();
        var expected = manifest.Tables.Select(t => new TableName(t.Schema, t.Table)).ToList();
        var restored = (await DatabaseTables.CountRowsAsync(connection, expected.Where(present.Contains), ct))
            .ToDictionary(c => c.QualifiedName, c => c.Rows, StringComparer.Ordinal);
        return manifest.Tables
            .Select(t => new RowCountMismatch(t.QualifiedName, t.Rows, restored.TryGetValue(t.QualifiedName, out var rows) ? rows : null))
            .Where(m => m.Restored != m.Expected)
            .ToList();
    }

    private static Task StepAsync(JobContext context, string name, string status, DateTimeOffset started, object detail) =>
        context.Steps.RecordAsync(new JobStep(name, status, started, context.Now, detail), context.CancellationToken);

    private static double Round(double seconds) => JobMath.Round6(seconds);
}
