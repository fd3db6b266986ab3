namespace Aionis.Jobs.Publishing;

/// <summary>What an object-store publish attests: the first 500 objects described and the lookups that failed.</summary>
public sealed record AttestedUploads<TObject, TWarning>(int ObjectCount, IReadOnlyList<TObject> Sample, IReadOnlyList<TWarning> Warnings);

/// <summary>The object-store publish loop shared by the S3, GCS and Azure publishers.</summary>
public static class AttestedUploads
{
    /// <summary>
    /// Uploads every file of the request to <c>runPrefix/relative_path</c> with <paramref name="uploadAndAttest"/>, which
    /// uploads one key and returns its description or a warning; keeps file order.
    /// </summary>
    public static async Task<AttestedUploads<TObject, TWarning>> RunAsync<TObject, TWarning>(PublishRequest request, string runPrefix,
        Func<string, BundleFile, CancellationToken, Task<(TObject? Object, TWarning? Warning)>> uploadAndAttest, CancellationToken cancellationToken)
        where TObject : class
        where TWarning : class
    {
        var files = PublishFiles.List(request.SourceDirectory);
        var results = await PublishFiles.ForEachAsync(files, request.MaxParallelUploads,
            (file, ct) => uploadAndAttest(runPrefix + "/" + file.RelativePath, file, ct), cancellationToken);
        return new AttestedUploads<TObject, TWarning>(files.Count,
            results.Select(r => r.Object).OfType<TObject>().Take(PublishAttestation.SampleLimit).ToList(),
            results.Select(r => r.Warning).OfType<TWarning>().ToList());
    }
}
