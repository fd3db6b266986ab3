using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// <c>az://</c> targets: one streamed, create-only block-blob upload per file (an existing blob with other bytes is
/// refused), then the blob's properties for the
/// attestation. The container client carries the mode's credentials (connection string, or the default Azure credential).
/// </summary>
public sealed class AzureBlobPublisher(PublishTarget target, BlobContainerClient container) : IPublisher
{
    public PublishTarget Target { get; } = target;

    public async Task<PublishResult> PublishDirectoryAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var destPath = Target.RunPrefix(request.RunId);
        var uploads = await AttestedUploads.RunAsync<AzureBlobAttestation, BlobWarning>(request, destPath, async (key, file, ct) =>
        {
            var blob = container.GetBlobClient(key);
            await CreateAsync(blob, file.FullPath, ct);
            return await AttestAsync(blob, ct);
        }, cancellationToken);
        var mode = Target.Kind == PublishTargetKind.AzureAccount ? "account" : "connection_string";
        return PublishResult.For(Target, request.RunId,
            new AzureAttestation(mode, Target.Account, Target.Container, destPath, uploads.ObjectCount, uploads.Sample, uploads.Warnings));
    }

    /// <summary>A create-only upload (<c>If-None-Match: *</c>); a blob that exists must hold the same bytes.</summary>
    private static async Task CreateAsync(BlobClient blob, string filePath, CancellationToken cancellationToken)
    {
        try
        {
            await using var content = ObjectPaths.OpenRead(filePath);
            await blob.UploadAsync(content, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            await ExistingObjects.EnsureSameAsync(blob.Name, filePath,
                async ct => (await blob.DownloadStreamingAsync(cancellationToken: ct)).Value.Content, cancellationToken);
        }
    }

    private static async Task<(AzureBlobAttestation? Object, BlobWarning? Warning)> AttestAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            BlobProperties properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            return (new AzureBlobAttestation(blob.Name, properties.ETag.ToString(), properties.VersionId, properties.LastModified.ToUniversalTime(),
                properties.ContentLength), null);
        }
        catch (RequestFailedException e)
        {
            return (null, new BlobWarning(blob.Name, ObjectPaths.WarningText(e.Message)));
        }
    }

    public async IAsyncEnumerable<PublishedObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = new GetBlobsOptions { Prefix = Target.KeyOf(prefix) };
        await foreach (var item in container.GetBlobsAsync(options, cancellationToken))
        {
            yield return new PublishedObject(Target.RelativePathOf(item.Name), item.Name, item.Properties.ContentLength ?? 0,
                item.Properties.LastModified?.ToUniversalTime());
        }
    }

    public async Task DownloadAsync(string path, string destinationFile, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(Target.KeyOf(ObjectPaths.CheckRelative(path)));
        BlobDownloadStreamingResult download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
        await using var content = download.Content;
        await ObjectPaths.WriteFileAsync(content, destinationFile, cancellationToken);
    }
}
