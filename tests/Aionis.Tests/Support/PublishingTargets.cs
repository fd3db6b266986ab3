using Aionis.Jobs.Publishing;
using Amazon.S3;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace Aionis.Tests.Support;

/// <summary>The object stores scripts/test.sh started, as worker settings, plus helpers to make buckets and bundles.</summary>
public static class PublishingTargets
{
    /// <summary>Worker settings that point the SDKs at s3rver and azurite (and at a GCS fake when given).</summary>
    public static Dictionary<string, string?> Settings(PublishingGcsFake? gcs = null, bool azureConnectionString = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AWS_ENDPOINT_URL_S3"] = TestEnvironment.S3Endpoint,
            ["AWS_ACCESS_KEY_ID"] = "S3RVER",
            ["AWS_SECRET_ACCESS_KEY"] = "S3RVER",
            ["AWS_REGION"] = "us-east-1",
        };
        if (azureConnectionString) settings[PublisherFactory.AzureConnectionStringKey] = TestEnvironment.AzureConnectionString;
        if (gcs is not null) settings[GcsSettings.EmulatorHostKey] = gcs.Endpoint;
        return settings;
    }

    /// <summary>The real binary's environment (<see cref="AionisCli.EnvFor"/>) with these settings added.</summary>
    public static Dictionary<string, string?> CliEnv(TestDatabase database, string artifactsRoot)
    {
        var env = AionisCli.EnvFor(database, artifactsRoot);
        foreach (var (key, value) in Settings()) env[key] = value;
        return env;
    }

    public static IAmazonS3 S3Client() => S3ClientFactory.Create(new ConfigurationBuilder().AddInMemoryCollection(Settings()).Build());

    /// <summary>A new empty bucket in s3rver.</summary>
    public static async Task<string> NewS3BucketAsync()
    {
        var bucket = "b-" + Guid.NewGuid().ToString("N")[..12];
        using var client = S3Client();
        await client.PutBucketAsync(bucket);
        return bucket;
    }

    /// <summary>A new empty container in azurite.</summary>
    public static async Task<string> NewAzureContainerAsync()
    {
        var container = "c-" + Guid.NewGuid().ToString("N")[..12];
        await new BlobContainerClient(TestEnvironment.AzureConnectionString, container).CreateAsync();
        return container;
    }

    /// <summary>A bundle folder with nested files, a dotfile and one file larger than a buffer; returns the folder.</summary>
    public static string MakeBundle(int files = 5, int largeBytes = 300_000)
    {
        var dir = Directory.CreateTempSubdirectory("aionis-bundle-").FullName;
        var random = new Random(42);
        for (var i = 0; i < files; i++)
        {
            var bytes = new byte[i == 0 ? largeBytes : 100 + i * 37];
            random.NextBytes(bytes);
            var path = Path.Combine(dir, i % 2 == 0 ? $"{i:00}_step.json" : Path.Combine("logs", $"{i:00}.log"));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }
        File.WriteAllText(Path.Combine(dir, ".hidden"), "dotfiles are published too\n");
        return dir;
    }

    /// <summary>Relative path → SHA-256 of every file under a folder.</summary>
    public static Dictionary<string, string> Checksums(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(dir, f).Replace('\\', '/'),
            f => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));
}
