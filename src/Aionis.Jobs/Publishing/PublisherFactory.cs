using System.Collections.Concurrent;
using Amazon.S3;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// Creates the publisher of a target from the worker's configuration, where the cloud SDKs' standard variables live
/// (AWS credentials and <c>AWS_ENDPOINT_URL_S3</c>, <c>AZURE_STORAGE_CONNECTION_STRING</c>, <c>STORAGE_EMULATOR_HOST</c>).
/// SDK clients are thread-safe, built on first use and kept for the life of the factory (the GCS client for the process's,
/// in <see cref="GcsClient"/>).
/// </summary>
public sealed class PublisherFactory(IConfiguration configuration, GcsClient gcs) : IPublisherFactory, IDisposable
{
    public const string AzureConnectionStringKey = "AZURE_STORAGE_CONNECTION_STRING";

    private readonly Lazy<IAmazonS3> _s3 = new(() => S3ClientFactory.Create(configuration));
    private readonly ConcurrentDictionary<string, BlobServiceClient> _azureAccounts = new(StringComparer.Ordinal);

    private string? AzureConnectionString => configuration[AzureConnectionStringKey] is { Length: > 0 } value ? value : null;

    public PublishTarget Parse(string target) => PublishTarget.Parse(target, azureConnectionStringSet: AzureConnectionString is not null);

    public IPublisher Create(string target)
    {
        var parsed = Parse(target);
        return parsed.Kind switch
        {
            PublishTargetKind.S3 => new S3Publisher(parsed, _s3.Value),
            PublishTargetKind.Gcs => new GcsPublisher(parsed, gcs),
            PublishTargetKind.AzureConnectionString => new AzureBlobPublisher(parsed, new BlobContainerClient(AzureConnectionString, parsed.Container)),
            PublishTargetKind.AzureAccount => new AzureBlobPublisher(parsed, AzureAccount(parsed.Account).GetBlobContainerClient(parsed.Container)),
            _ => new LocalPublisher(parsed),
        };
    }

    private BlobServiceClient AzureAccount(string account) => _azureAccounts.GetOrAdd(account,
        name => new BlobServiceClient(new Uri($"https://{name}.blob.core.windows.net"), new DefaultAzureCredential()));

    public void Dispose()
    {
        if (_s3.IsValueCreated) _s3.Value.Dispose();
    }
}
