using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Configuration;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// An S3 client from the standard AWS settings: region (<c>AWS_REGION</c>/<c>AWS_DEFAULT_REGION</c>, default us-east-1),
/// endpoint override (<c>AWS_ENDPOINT_URL_S3</c>/<c>AWS_ENDPOINT_URL</c>: path-style addressing, for MinIO and s3rver),
/// static keys when configured, else the SDK's credential chain.
/// </summary>
public static class S3ClientFactory
{
    public static IAmazonS3 Create(IConfiguration configuration)
    {
        var region = First(configuration, "AWS_REGION", "AWS_DEFAULT_REGION") ?? "us-east-1";
        var config = new AmazonS3Config();
        if (First(configuration, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL") is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        var accessKey = First(configuration, "AWS_ACCESS_KEY_ID");
        var secretKey = First(configuration, "AWS_SECRET_ACCESS_KEY");
        if (accessKey is null || secretKey is null) return new AmazonS3Client(config);
        AWSCredentials credentials = First(configuration, "AWS_SESSION_TOKEN") is { } token
            ? new SessionAWSCredentials(accessKey, secretKey, token)
            : new BasicAWSCredentials(accessKey, secretKey);
        return new AmazonS3Client(credentials, config);
    }

    private static string? First(IConfiguration configuration, params string[] keys) =>
        keys.Select(k => configuration[k]).FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
