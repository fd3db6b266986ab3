using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Google;
using Google.Cloud.Storage.V1;
using GcsObject = Google.Apis.Storage.v1.Data.Object;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// <c>gs://bucket/prefix</c> through Google's <see cref="StorageClient"/>: a create-only resumable upload per file,
/// streamed from disk in chunks of <see cref="GcsSettings.UploadChunkSize"/> (the client's own protocol: a session,
/// then one request per chunk, each with its CRC32C); the created object's metadata is the attestation.
/// </summary>
public sealed class GcsPublisher(PublishTarget target, GcsClient gcs) : IPublisher
{
    public PublishTarget Target { get; } = target;

    public async Task<PublishResult> PublishDirectoryAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var runPrefix = Target.RunPrefix(request.RunId);
        var client = await gcs.GetAsync();
        var uploads = await AttestedUploads.RunAsync<GcsObjectAttestation, KeyWarning>(request, runPrefix,
            (key, file, ct) => UploadAsync(client, key, file.FullPath, ct), cancellationToken);
        return PublishResult.For(Target, request.RunId,
            new GcsAttestation("json_api", Target.Container, runPrefix, uploads.ObjectCount, uploads.Sample, uploads.Warnings));
    }

    /// <summary>
    /// A create-only upload (<c>ifGenerationMatch=0</c>) that returns the new object's metadata; an object that exists
    /// must hold the same bytes, and is then described by a metadata lookup (a failing lookup is a warning).
    /// </summary>
    private async Task<(GcsObjectAttestation? Object, KeyWarning? Warning)> UploadAsync(StorageClient client, string key, string filePath,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var content = ObjectPaths.OpenRead(filePath);
            var created = await client.UploadObjectAsync(Target.Container, key, "application/octet-stream", content,
                new UploadObjectOptions { IfGenerationMatch = 0, ChunkSize = gcs.Settings.UploadChunkSize }, cancellationToken);
            return (Describe(created), null);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            await ExistingObjects.EnsureSameAsync(key, filePath,
                (sink, ct) => client.DownloadObjectAsync(Target.Container, key, sink, cancellationToken: ct), cancellationToken);
        }
        try
        {
            return (Describe(await client.GetObjectAsync(Target.Container, key, cancellationToken: cancellationToken)), null);
        }
        catch (GoogleApiException e)
        {
            return (null, new KeyWarning(key, ObjectPaths.WarningText(e.Message)));
        }
    }

    /// <summary>Strings, as the reference's gsutil/gcloud output; the hashes are the API's base64 values.</summary>
    private static GcsObjectAttestation Describe(GcsObject item) => new(item.Name, Text(item.Generation), Text(item.Metageneration), item.ETag,
        item.Size?.ToString(CultureInfo.InvariantCulture), item.UpdatedRaw, item.Md5Hash, item.Crc32c);

    private static string? Text(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    public async IAsyncEnumerable<PublishedObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = await gcs.GetAsync();
        // GCS lists in lexicographic name order, page by page (the client follows nextPageToken).
        await foreach (var item in client.ListObjectsAsync(Target.Container, Target.KeyOf(prefix)).WithCancellation(cancellationToken))
        {
            yield return new PublishedObject(Target.RelativePathOf(item.Name), item.Name, (long)(item.Size ?? 0), item.UpdatedDateTimeOffset?.ToUniversalTime());
        }
    }

    /// <summary>An <c>alt=media</c> download, which the client checks against the object's CRC32C/MD5 as it streams.</summary>
    public async Task DownloadAsync(string path, string destinationFile, CancellationToken cancellationToken)
    {
        var client = await gcs.GetAsync();
        await using var output = ObjectPaths.CreateFile(destinationFile);
        await client.DownloadObjectAsync(Target.Container, Target.KeyOf(ObjectPaths.CheckRelative(path)), output, cancellationToken: cancellationToken);
    }
}
