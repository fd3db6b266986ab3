namespace Aionis.Jobs.Publishing;

public static class PublisherExtensions
{
    /// <summary>
    /// Downloads every object under <paramref name="prefix"/> (e.g. <c>run_id/</c>) into <paramref name="destinationDirectory"/>,
    /// keeping paths below the prefix; returns the number of files.
    /// </summary>
    public static async Task<int> DownloadPrefixAsync(this IPublisher publisher, string prefix, string destinationDirectory,
        CancellationToken cancellationToken, int maxParallel = PublishRequest.DefaultMaxParallelUploads)
    {
        var objects = new List<PublishedObject>();
        await foreach (var item in publisher.ListAsync(ObjectPaths.CheckRelative(prefix), cancellationToken)) objects.Add(item);
        var root = Path.GetFullPath(destinationDirectory);
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = maxParallel, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                var local = Path.GetFullPath(Path.Combine(root, ObjectPaths.CheckRelative(item.Path[prefix.Length..].TrimStart('/'))));
                await publisher.DownloadAsync(item.Path, local, ct);
            });
        return objects.Count;
    }
}
