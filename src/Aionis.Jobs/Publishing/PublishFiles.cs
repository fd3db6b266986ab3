using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Publishing;

/// <summary>One file of a folder to publish: its path on disk and its path relative to the folder (with <c>/</c>).</summary>
public sealed record BundleFile(string FullPath, string RelativePath, long Size);

/// <summary>The files of a folder to publish in byte order (<c>find . -type f | LC_ALL=C sort</c>), dotfiles included.</summary>
public static class PublishFiles
{
    public static IReadOnlyList<BundleFile> List(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"source dir '{directory}' is not a directory");
        var root = Path.GetFullPath(directory);
        return Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(path => new BundleFile(path, Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'), new FileInfo(path).Length))
            .OrderBy(f => f.RelativePath, FileDigest.ByteOrder)
            .ToList();
    }

    /// <summary>
    /// Runs <paramref name="upload"/> for every file, at most <paramref name="maxParallel"/> at once; results keep file order.
    /// The first failure cancels the rest and is rethrown.
    /// </summary>
    public static async Task<T[]> ForEachAsync<T>(IReadOnlyList<BundleFile> files, int maxParallel,
        Func<BundleFile, CancellationToken, Task<T>> upload, CancellationToken cancellationToken)
    {
        var results = new T[files.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxParallel), CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await upload(files[i], ct));
        return results;
    }
}
