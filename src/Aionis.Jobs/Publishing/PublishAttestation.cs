using System.Text.Json.Serialization;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// The attestation document of a publish (also written as <c>publish_attestation.json</c>); one shape per provider.
/// Lookups that fail after a successful upload add a warning, they never fail the publish. Properties keep the
/// reference's order: provider, the provider's fields, object_count, the sample, warnings.
/// </summary>
[JsonDerivedType(typeof(S3Attestation))]
[JsonDerivedType(typeof(GcsAttestation))]
[JsonDerivedType(typeof(AzureAttestation))]
[JsonDerivedType(typeof(LocalAttestation))]
public abstract record PublishAttestation([property: JsonPropertyOrder(-1)] string Provider, int ObjectCount)
{
    /// <summary>The reference keeps the first 500 objects of a publish in the document.</summary>
    public const int SampleLimit = 500;
}

public sealed record S3Attestation(string Bucket, string RunPrefix, int ObjectCount,
    [property: JsonPropertyOrder(1)] IReadOnlyList<S3ObjectAttestation> ObjectsSample, [property: JsonPropertyOrder(1)] IReadOnlyList<KeyWarning> Warnings) : PublishAttestation("s3", ObjectCount);

public sealed record S3ObjectAttestation(string Key, string? Etag, string? VersionId, long Size, DateTimeOffset? LastModified);

/// <summary>GCS values are strings, as the reference's gsutil/gcloud output; <c>tool</c> is <c>json_api</c>.</summary>
public sealed record GcsAttestation(string Tool, string Bucket, string RunPrefix, int ObjectCount,
    [property: JsonPropertyOrder(1)] IReadOnlyList<GcsObjectAttestation> ObjectsSample, [property: JsonPropertyOrder(1)] IReadOnlyList<KeyWarning> Warnings) : PublishAttestation("gcs", ObjectCount);

/// <summary><c>md5_hash</c> and <c>crc32c</c> are base64, as the JSON API and <c>gcloud storage objects describe</c> give them.</summary>
public sealed record GcsObjectAttestation(string Key, string? Generation, string? Metageneration, string? Etag, string? Size, string? UpdateTime,
    string? Md5Hash, string? Crc32c);

public sealed record AzureAttestation(string Mode, string Account, string Container, string DestPath, int ObjectCount,
    [property: JsonPropertyOrder(1)] IReadOnlyList<AzureBlobAttestation> ObjectsSample,
    [property: JsonPropertyOrder(1)] IReadOnlyList<BlobWarning> Warnings) : PublishAttestation("azure_blob", ObjectCount);

public sealed record AzureBlobAttestation(string Blob, string? Etag, string? VersionId, DateTimeOffset? LastModified, long? ContentLength);

/// <summary>Local targets hash the source files.</summary>
public sealed record LocalAttestation(string PublishedUri, int ObjectCount, [property: JsonPropertyOrder(1)] IReadOnlyList<LocalFileAttestation> FilesSample)
    : PublishAttestation("local_fs", ObjectCount);

public sealed record LocalFileAttestation(string Path, string Sha256, long SizeBytes);

public sealed record KeyWarning(string Key, string Error);

public sealed record BlobWarning(string Blob, string Error);
