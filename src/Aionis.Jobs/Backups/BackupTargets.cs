using Aionis.Jobs.Framework;
using Aionis.Jobs.Publishing;

namespace Aionis.Jobs.Backups;

/// <summary>
/// Backups at publish targets, through the publishers (any target form): each backup is the folder
/// <c>&lt;target&gt;/&lt;backup_id&gt;/</c> holding the dump and <c>backup_manifest.json</c>. The manifest is what makes
/// a folder a backup, so it only ever appears once the dump beside it is complete.
/// </summary>
public sealed class BackupTargets(IPublisherFactory publishers)
{
    /// <summary>Prefix of the folder a backup is assembled in at a local target before it is renamed into place.</summary>
    public const string StagingPrefix = ".partial-";

    /// <summary>Where a backup goes at a target (its <c>published_uri</c>), without touching the target.</summary>
    public string Locate(string target, string backupId) => publishers.Parse(target).PublishedUri(backupId);

    /// <summary>
    /// Publishes a staged backup (<paramref name="dumpFolder"/> holds the dump, <paramref name="manifestFolder"/> the manifest).
    /// Local targets: the dump is copied into a staging folder and fsynced, read back and checked against the manifest,
    /// then the manifest is written and the folder renamed to <c>&lt;backup_id&gt;</c> — a full disk or a crash leaves at
    /// most a staging folder, never a folder with a manifest. Object stores: the dump is uploaded first and the manifest
    /// only after it succeeded (the drill still verifies the checksum after download).
    /// </summary>
    public async Task<PublishResult> PublishAsync(string dumpFolder, string manifestFolder, BackupManifest manifest, string target, CancellationToken cancellationToken)
    {
        var parsed = publishers.Parse(target);
        if (parsed.Kind != PublishTargetKind.Local)
        {
            var publisher = publishers.Create(target);
            var dump = await publisher.PublishDirectoryAsync(new PublishRequest(dumpFolder, manifest.BackupId), cancellationToken);
            await publisher.PublishDirectoryAsync(new PublishRequest(manifestFolder, manifest.BackupId), cancellationToken);
            return dump;
        }

        var final = parsed.PublishedUri(manifest.BackupId);
        var staging = Path.Combine(parsed.Container, StagingPrefix + manifest.BackupId);
        Directory.CreateDirectory(parsed.Container);
        if (Directory.Exists(final)) throw new IOException($"backup {manifest.BackupId} already exists at {target}");
        Directory.CreateDirectory(staging);
        try
        {
            var copied = await DurableFiles.CopyAsync(Path.Combine(dumpFolder, manifest.DumpFile), Path.Combine(staging, manifest.DumpFile), cancellationToken);
            // Read back what the disk holds, not what was handed to it.
            if (await DumpCheck.MismatchAsync(manifest, Path.Combine(staging, manifest.DumpFile), cancellationToken) is { } mismatch)
            {
                throw new IOException($"the copy of backup {manifest.BackupId} at {target} does not verify: {mismatch}");
            }
            var files = new List<LocalFileAttestation> { new(manifest.DumpFile, copied.Sha256, copied.Size) };
            if (manifest.GlobalsFile is { } globals)
            {
                var globalsCopy = await DurableFiles.CopyAsync(Path.Combine(dumpFolder, globals), Path.Combine(staging, globals), cancellationToken);
                if (globalsCopy.Sha256 != manifest.GlobalsSha256)
                {
                    throw new IOException($"the copy of {globals} of backup {manifest.BackupId} at {target} does not match the manifest");
                }
                files.Add(new LocalFileAttestation(globals, globalsCopy.Sha256, globalsCopy.Size));
            }
            await manifest.WriteAsync(staging, cancellationToken);
            DurableFiles.SyncDirectory(staging);
            Directory.Move(staging, final);
            DurableFiles.SyncDirectory(parsed.Container);
            var manifestSize = new FileInfo(Path.Combine(final, BackupManifest.FileName)).Length;
            var manifestSha = await FileDigest.Sha256HexAsync(Path.Combine(final, BackupManifest.FileName), cancellationToken);
            return PublishResult.For(parsed, manifest.BackupId, new LocalAttestation(final, files.Count + 1,
                [new LocalFileAttestation(BackupManifest.FileName, manifestSha, manifestSize), .. files]));
        }
        catch
        {
            // Nothing half-written stays behind (a full disk needs the space back); the error is what the run reports.
            try { Directory.Delete(staging, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Ids of the backups at a target (folders holding a manifest), oldest first: ids start with their UTC time.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string target, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var item in publishers.Create(target).ListAsync("", cancellationToken))
        {
            var parts = item.Path.Split('/');
            if (parts is [var id, BackupManifest.FileName] && !id.StartsWith(StagingPrefix, StringComparison.Ordinal)) ids.Add(id);
        }
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    public Task DownloadAsync(string target, string backupId, string fileName, string destinationFile, CancellationToken cancellationToken) =>
        publishers.Create(target).DownloadAsync($"{PublishTarget.CheckRunId(backupId)}/{fileName}", destinationFile, cancellationToken);

    /// <summary><c>--keep</c> prunes at local and <c>file://</c> targets only; object stores keep their own lifecycle rules.</summary>
    public bool CanDelete(string target) => publishers.Parse(target).Kind == PublishTargetKind.Local;

    /// <summary>Null when a backup at a local target verifies (manifest readable, dump matching it); else why not.</summary>
    public async Task<string?> ProblemAtLocalAsync(string target, string backupId, CancellationToken cancellationToken)
    {
        var folder = Locate(target, backupId);
        BackupManifest manifest;
        try
        {
            manifest = await BackupManifest.ReadAsync(Path.Combine(folder, BackupManifest.FileName), cancellationToken);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or IOException)
        {
            return $"manifest_unreadable: {e.Message}";
        }
        return Path.GetFileName(manifest.DumpFile) != manifest.DumpFile
            ? $"manifest_unreadable: dump_file '{manifest.DumpFile}' is not a file name"
            : await DumpCheck.MismatchAsync(manifest, Path.Combine(folder, manifest.DumpFile), cancellationToken);
    }

    public Task DeleteAsync(string target, string backupId, CancellationToken cancellationToken)
    {
        var folder = Locate(target, backupId);
        if (!CanDelete(target)) throw new NotSupportedException($"backups at {target} are not pruned by the worker");
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }
}
