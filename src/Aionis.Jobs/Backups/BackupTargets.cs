using Aionis.Jobs.Publishing;

namespace Aionis.Jobs.Backups;

/// <summary>
/// Backups at publish targets, through the publishers (any target form): each backup is the folder
/// <c>&lt;target&gt;/&lt;backup_id&gt;/</c> holding the dump and <c>backup_manifest.json</c>.
/// </summary>
public sealed class BackupTargets(IPublisherFactory publishers)
{
    /// <summary>Where a backup goes at a target (its <c>published_uri</c>), without touching the target.</summary>
    public string Locate(string target, string backupId) => publishers.Parse(target).PublishedUri(backupId);

    public Task<PublishResult> PublishAsync(string folder, string target, string backupId, CancellationToken cancellationToken) =>
        publishers.Create(target).PublishDirectoryAsync(new PublishRequest(folder, backupId), cancellationToken);

    /// <summary>Ids of the backups at a target (folders holding a manifest), oldest first: ids start with their UTC time.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string target, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var item in publishers.Create(target).ListAsync("", cancellationToken))
        {
            var parts = item.Path.Split('/');
            if (parts is [var id, BackupManifest.FileName]) ids.Add(id);
        }
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    public Task DownloadAsync(string target, string backupId, string fileName, string destinationFile, CancellationToken cancellationToken) =>
        publishers.Create(target).DownloadAsync($"{PublishTarget.CheckRunId(backupId)}/{fileName}", destinationFile, cancellationToken);

    /// <summary><c>--keep</c> prunes at local and <c>file://</c> targets only; object stores keep their own lifecycle rules.</summary>
    public bool CanDelete(string target) => publishers.Parse(target).Kind == PublishTargetKind.Local;

    public Task DeleteAsync(string target, string backupId, CancellationToken cancellationToken)
    {
        var folder = Locate(target, backupId);
        if (!CanDelete(target)) throw new NotSupportedException($"backups at {target} are not pruned by the worker");
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }
}
