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
[Job("backup-drill", "Restore the newest backup whose checksum verifies into a scratch database; check row counts, measure RTO and RPO",
    Permissions = [Permissions.WriteScratchDatabase], Time = TimeDependence.PresentOnly)]
public sealed class BackupDrillJob(BackupDatabase database, PgClient pg, BackupTargets targets) : IJob<BackupDrillOptions, BackupDrillSummary>
{
    public async Task<BackupDrillSummary> RunAsync(BackupDrillOptions options, JobContext context)
    {
        var ct = context.CancellationToken;
        var drilledAt = context.Now;
        var source = PublishTarget.Resolve(options.Source, context);
        IReadOnlyList<string> candidates = options.Backup is { } named ? [named] : (await targets.ListAsync(source, ct)).Reverse().ToList();
        if (candidates.Count == 0) throw new InvalidOperationException($"no backup (a folder with {BackupManifest.FileName}) under {source}");
        var scratch = new ScratchDatabase(options.ScratchConnection ?? database.ConnectionString, context.RunId);
        var workDir = context.ResolvePath(options.WorkDir, "work-dir");
        Directory.CreateDirectory(workDir);
        try
        {
            var rto = Stopwatch.StartNew();
            var picked = await PickAsync(candidates, source, workDir, options.Backup is not null, rto, context);
            var summary = NewSummary(options, context, picked.Id, picked.Manifest, source, scratch, drilledAt);
            summary.SkippedBackups.AddRange(picked.Skipped);
            if (!summary.RpoOk)
            {
                summary.Reasons.Add($"rpo_exceeded: backup {picked.Id} is {summary.RpoSeconds:0}s old at drill time, target {options.RpoTargetSeconds}s");
            }
            var manifest = picked.Manifest;

            if (context.DryRun)
            {
                context.Actions.Record("download", summary.BackupUri, 1, new { file = manifest.DumpFile, size_bytes = manifest.DumpSizeBytes });
                context.Actions.Record("create_database", $"{scratch.Description}", 1);
                context.Actions.Record("pg_restore", scratch.Description, manifest.Tables.Count, new { rows = manifest.TotalRows });
                context.Actions.Record("drop_database", scratch.Description, 1);
                context.Progress($"[backup-drill] dry run: would restore {picked.Id} ({manifest.DumpSizeBytes} bytes) into {scratch.Description}");
                return summary;
            }

            summary.ChecksumOk = picked.Verified;
            if (!picked.Verified)
            {
                summary.Reasons.Insert(0, $"{picked.Problem}; not restored");
                if (candidates.Count > 1)
                {
                    summary.Reasons.Insert(1, $"no_verified_backup: none of the {candidates.Count} backups at {options.Source} matches its manifest");
                }
                summary.Timings = new DrillTimings(Round(picked.FetchSeconds), Round(picked.VerifySeconds), 0, 0);
                return summary;
            }
            var backupId = picked.Id;

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
                summary.Restored = await RestoreAsync(picked.DumpPath, scratch, options.RestoreJobs, summary.Reasons, ct);
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
                summary.Timings = new DrillTimings(Round(picked.FetchSeconds), Round(picked.VerifySeconds), Round(restoreWatch.Elapsed.TotalSeconds), Round(compareWatch.Elapsed.TotalSeconds));
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

    /// <summary>A drill's backup: the newest that verifies, or (none verifying) the newest with a readable manifest.</summary>
    private sealed record DrillPick(string Id, BackupManifest Manifest, string DumpPath, bool Verified, string? Problem,
        List<SkippedBackup> Skipped, double FetchSeconds, double VerifySeconds);

    /// <summary>
    /// Newest first: the first backup whose dump matches its manifest is the one restored; the ones before it are
    /// reported as skipped. A dry run reads manifests only, so it cannot tell a corrupt dump. Each download is timed
    /// on <paramref name="rto"/>: passing over a broken backup is part of the recovery time.
    /// </summary>
    private async Task<DrillPick> PickAsync(IReadOnlyList<string> candidates, string source, string workDir, bool named, Stopwatch rto, JobContext context)
    {
        var ct = context.CancellationToken;
        var skipped = new List<SkippedBackup>();
        var fetchSeconds = 0.0;
        var verifySeconds = 0.0;
        (string Id, BackupManifest Manifest, string? Problem)? chosen = null;
        (string Id, BackupManifest Manifest, string? Problem)? firstBad = null;
        var dumpPath = "";
        foreach (var id in candidates)
        {
            var fetchStarted = context.Now;
            var fetchAt = rto.Elapsed.TotalSeconds;
            var candidateDir = Path.Combine(workDir, PublishTarget.CheckRunId(id));
            Directory.CreateDirectory(candidateDir);
            BackupManifest candidate;
            try
            {
                candidate = await FetchManifestAsync(source, id, candidateDir, ct);
            }
            catch (Exception e) when (!named && e is InvalidDataException or System.Text.Json.JsonException or FileNotFoundException)
            {
                skipped.Add(new SkippedBackup(id, $"manifest_unreadable: {e.Message}"));
                context.Progress($"[backup-drill] skipping {id}: its manifest cannot be read");
                continue;
            }
            if (context.DryRun)
            {
                chosen = (id, candidate, null);
                break;
            }
            dumpPath = Path.Combine(candidateDir, candidate.DumpFile);
            string? problem;
            try
            {
                await targets.DownloadAsync(source, id, candidate.DumpFile, dumpPath, ct);
                fetchSeconds += rto.Elapsed.TotalSeconds - fetchAt;
                await StepAsync(context, "fetch", RunStatus.Succeeded, fetchStarted,
                    new { backup_id = id, backup_uri = targets.Locate(source, id), size_bytes = new FileInfo(dumpPath).Length });
                context.Progress($"[backup-drill] fetched {id} in {rto.Elapsed.TotalSeconds - fetchAt:0.0}s");
                var verifyStarted = context.Now;
                var verifyAt = rto.Elapsed.TotalSeconds;
                problem = await DumpCheck.MismatchAsync(candidate, dumpPath, ct);
                verifySeconds += rto.Elapsed.TotalSeconds - verifyAt;
                await StepAsync(context, "verify", problem is null ? RunStatus.Succeeded : RunStatus.Failed, verifyStarted,
                    new { backup_id = id, sha256 = candidate.DumpSha256, problem });
            }
            catch (FileNotFoundException) when (!named)
            {
                fetchSeconds += rto.Elapsed.TotalSeconds - fetchAt;
                problem = $"checksum_mismatch: {candidate.DumpFile} is missing at the source";
                await StepAsync(context, "fetch", RunStatus.Failed, fetchStarted, new { backup_id = id, problem });
            }
            if (problem is null)
            {
                chosen = (id, candidate, null);
                break;
            }
            skipped.Add(new SkippedBackup(id, problem));
            firstBad ??= (id, candidate, problem);
            context.Progress($"[backup-drill] skipping {id}: {problem}");
            Directory.Delete(candidateDir, recursive: true);
        }
        if (chosen is { } ok) return new DrillPick(ok.Id, ok.Manifest, dumpPath, !context.DryRun, null, skipped, fetchSeconds, verifySeconds);
        if (firstBad is not { } bad) throw new InvalidDataException($"no backup under {source} has a readable {BackupManifest.FileName}");
        return new DrillPick(bad.Id, bad.Manifest, "", false, bad.Problem, skipped.Where(b => b.BackupId != bad.Id).ToList(), fetchSeconds, verifySeconds);
    }

    private BackupDrillSummary NewSummary(BackupDrillOptions options, JobContext context, string backupId, BackupManifest manifest, string source,
        ScratchDatabase scratch, DateTimeOffset drilledAt) => new()
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
