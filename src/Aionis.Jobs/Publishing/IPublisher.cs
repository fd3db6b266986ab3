namespace Aionis.Jobs.Publishing;

/// <summary>
/// Publishes folders to one target and reads back what is there. Paths given to <see cref="ListAsync"/> and
/// <see cref="DownloadAsync"/> are relative to the target root (the target's own prefix is added), so a folder
/// published with run id R is read back under <c>R/</c> whatever the target kind.
/// </summary>
public interface IPublisher
{
    PublishTarget Target { get; }

    /// <summary>
    /// Uploads every file of the folder to <c>prefix/run_id/relative_path</c>, create-only: a key that already holds the
    /// same bytes is left as it is (a retried publish), one with other bytes fails the publish with
    /// <see cref="ObjectExistsException"/> and is never overwritten. In parallel up to
    /// <see cref="PublishRequest.MaxParallelUploads"/>, streaming each file; then attests what the target holds.
    /// </summary>
    Task<PublishResult> PublishDirectoryAsync(PublishRequest request, CancellationToken cancellationToken);

    /// <summary>Objects whose path (relative to the target root) starts with <paramref name="prefix"/> ("" = all), in key order.</summary>
    IAsyncEnumerable<PublishedObject> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Streams one object (path relative to the target root) into a local file, creating its folder.</summary>
    Task DownloadAsync(string path, string destinationFile, CancellationToken cancellationToken);
}

/// <summary>A folder to publish under a run id.</summary>
public sealed record PublishRequest(string SourceDirectory, string RunId)
{
    public const int DefaultMaxParallelUploads = 8;

    public int MaxParallelUploads { get; init; } = DefaultMaxParallelUploads;
}

/// <summary>The reference's publish output: <c>{ok, adapter, target, run_id, published_uri, attestation}</c>.</summary>
public sealed record PublishResult(bool Ok, string Adapter, string Target, string RunId, string PublishedUri, PublishAttestation Attestation)
{
    /// <summary>The result of publishing run <paramref name="runId"/> to <paramref name="target"/>.</summary>
    public static PublishResult For(PublishTarget target, string runId, PublishAttestation attestation) =>
        new(true, target.Adapter, target.Original, runId, target.PublishedUri(runId), attestation);

    /// <summary>Files uploaded.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int ObjectCount => Attestation.ObjectCount;
}

/// <summary>An object at a target. <see cref="Path"/> is relative to the target root; <see cref="Key"/> is the full key.</summary>
public sealed record PublishedObject(string Path, string Key, long Size, DateTimeOffset? LastModified);
