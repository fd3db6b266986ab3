using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;

namespace Aionis.Jobs.Publishing;

/// <summary><c>s3://bucket/prefix</c>: one PutObject per file (streamed from disk), then a HeadObject per key for the attestation.</summary>
public sealed class S3Publisher(PublishTarget target, IAmazonS3 client) : IPublisher
{
    public PublishTarget Target { get; } = target;

    public async Task<PublishResult> PublishDirectoryAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var files = BundleFiles.List(request.SourceDirectory);
        var runPrefix = Target.RunPrefix(request.RunId);
        var results = await BundleFiles.ForEachAsync(files, request.MaxParallelUploads, async (file, ct) =>
        {
            var key = runPrefix + "/" + file.RelativePath;
            await UploadAsync(client, Target.Container, key, file.FullPath, ct);
            return await AttestAsync(key, ct);
        }, cancellationToken);
        var attestation = new S3Attestation(Target.Container, runPrefix, files.Count,
            results.Select(r => r.Object).OfType<S3ObjectAttestation>().Take(PublishAttestation.SampleLimit).ToList(),
            results.Select(r => r.Warning).OfType<KeyWarning>().ToList());
        return new PublishResult(true, Target.Adapter, Target.Original, request.RunId, Target.PublishedUri(request.RunId), attestation);
    }

    /// <summary>
    /// One streamed PutObject. Chunk encoding is off: over plain http some S3 implementations (s3rver) store the SDK's
    /// chunk framing inside the object.
    /// </summary>
    public static Task UploadAsync(IAmazonS3 client, string bucket, string key, string filePath, CancellationToken cancellationToken) =>
        client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            FilePath = filePath,
            UseChunkEncoding = false,
        }, cancellationToken);

    private async Task<(S3ObjectAttestation? Object, KeyWarning? Warning)> AttestAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Target.Container, Key = key }, cancellationToken);
            return (new S3ObjectAttestation(key, head.ETag, head.VersionId, head.ContentLength, ToUtc(head.LastModified)), null);
        }
        catch (AmazonS3Exception e)
        {
            return (null, new KeyWarning(key, ObjectPaths.WarningText(e.Message)));
        }
    }

    public async IAsyncEnumerable<PublishedObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = Target.Container, Prefix = Target.KeyOf(prefix) };
        do
        {
            var page = await client.ListObjectsV2Async(request, cancellationToken);
            foreach (var item in page.S3Objects ?? [])
            {
                yield return new PublishedObject(Target.RelativePathOf(item.Key), item.Key, item.Size ?? 0, ToUtc(item.LastModified));
            }
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (request.ContinuationToken is not null);
    }

    public async Task DownloadAsync(string path, string destinationFile, CancellationToken cancellationToken)
    {
        using var response = await client.GetObjectAsync(Target.Container, Target.KeyOf(ObjectPaths.CheckRelative(path)), cancellationToken);
        await ObjectPaths.WriteFileAsync(response.ResponseStream, destinationFile, cancellationToken);
    }

    private static DateTimeOffset? ToUtc(DateTime? value) => value is { } v ? new DateTimeOffset(v.ToUniversalTime(), TimeSpan.Zero) : null;
}
