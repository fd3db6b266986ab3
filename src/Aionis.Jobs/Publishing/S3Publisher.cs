using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// <c>s3://bucket/prefix</c>: one create-only PutObject per file (streamed from disk), then a HeadObject per key for the
/// attestation. A key that exists with other bytes is refused, never overwritten.
/// </summary>
public sealed class S3Publisher(PublishTarget target, IAmazonS3 client) : IPublisher
{
    public PublishTarget Target { get; } = target;

    public async Task<PublishResult> PublishDirectoryAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var runPrefix = Target.RunPrefix(request.RunId);
        // If-None-Match is atomic where the store honours it (AWS S3, MinIO); s3rver 3.7 ignores it on PUT, so the keys
        // already under the run's prefix are listed first and checked the same way (not atomic against a concurrent writer).
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in ListAsync(request.RunId + "/", cancellationToken)) existing.Add(item.Key);
        var uploads = await AttestedUploads.RunAsync<S3ObjectAttestation, KeyWarning>(request, runPrefix, async (key, file, ct) =>
        {
            if (existing.Contains(key))
            {
                await EnsureSameAsync(client, Target.Container, key, file.FullPath, ct);
            }
            else
            {
                await UploadAsync(client, Target.Container, key, file.FullPath, ct);
            }
            return await AttestAsync(key, ct);
        }, cancellationToken);
        return PublishResult.For(Target, request.RunId, new S3Attestation(Target.Container, runPrefix, uploads.ObjectCount, uploads.Sample, uploads.Warnings));
    }

    /// <summary>
    /// One streamed PutObject that only creates (<c>If-None-Match: *</c>); an existing key must hold the same bytes
    /// (<see cref="ExistingObjects"/>). Chunk encoding is off: over plain http some S3 implementations (s3rver) store the
    /// SDK's chunk framing inside the object.
    /// </summary>
    public static async Task UploadAsync(IAmazonS3 client, string bucket, string key, string filePath, CancellationToken cancellationToken)
    {
        try
        {
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                FilePath = filePath,
                UseChunkEncoding = false,
                IfNoneMatch = "*",
            }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            await EnsureSameAsync(client, bucket, key, filePath, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            throw MissingBucket(bucket);
        }
    }

    // The SDK's text ("The specified bucket does not exist") does not say which one.
    private static PublishTargetException MissingBucket(string bucket) =>
        new($"S3 bucket '{bucket}' does not exist (create it, or fix the target s3://{bucket}/…)");

    private static Task EnsureSameAsync(IAmazonS3 client, string bucket, string key, string filePath, CancellationToken cancellationToken) =>
        ExistingObjects.EnsureSameAsync(key, filePath, async ct => (await client.GetObjectAsync(bucket, key, ct)).ResponseStream, cancellationToken);

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
            ListObjectsV2Response page;
            try
            {
                page = await client.ListObjectsV2Async(request, cancellationToken);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
            {
                throw MissingBucket(Target.Container);
            }
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
