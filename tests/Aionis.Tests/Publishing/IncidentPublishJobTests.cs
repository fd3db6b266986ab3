using System.Text.Json;
using Aionis.Jobs.Framework;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Publishing;

/// <summary>The standalone publish through the real binary, and the enqueue helper (docs/jobs/publishing.md).</summary>
public sealed class IncidentPublishJobTests : PublishingJobTest
{
    protected override DateTimeOffset Now => new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task The_cli_publishes_a_bundle_to_azure_and_prints_the_reference_output()
    {
        var container = await PublishingTargets.NewAzureContainerAsync();
        var env = Env();

        var cli = await AionisCli.RunAsync(["job", "incident-publish-hosted", "--source-dir", Bundle, "--target", $"az://{container}/hosted/", "--run-id", "run-9"], env);

        var output = JsonDocument.Parse(cli.Stdout).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(cli.ExitCode, Is.EqualTo(ExitCodes.Ok), cli.Stderr);
            Assert.That(output.GetProperty("adapter").GetString(), Is.EqualTo("azure_connection_string"));
            Assert.That(output.GetProperty("published_uri").GetString(), Is.EqualTo($"az://{container}/hosted/run-9"));
            Assert.That(output.GetProperty("attestation").GetProperty("object_count").GetInt32(), Is.EqualTo(4));
            Assert.That(cli.Stdout, Does.Not.Contain("AccountKey"));
        });
    }

    [Test]
    public async Task A_dry_run_publish_uploads_nothing()
    {
        var bucket = await PublishingTargets.NewS3BucketAsync();

        var cli = await AionisCli.RunAsync(["job", "incident-publish-hosted", "--dry-run", "--source-dir", Bundle, "--target", $"s3://{bucket}", "--run-id", "r"], Env());

        using var s3 = PublishingTargets.S3Client();
        var listing = await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket });
        Assert.Multiple(() =>
        {
            Assert.That(cli.ExitCode, Is.EqualTo(ExitCodes.Ok), cli.Stderr);
            Assert.That(JsonDocument.Parse(cli.Stdout).RootElement.GetProperty("would_upload").GetArrayLength(), Is.EqualTo(4));
            Assert.That(listing.S3Objects ?? [], Is.Empty);
        });
    }

    [TestCase("https://uploads.example.com/x", "--target")]
    [TestCase("s3://", "--target")]
    [TestCase("file:relative/x", "--target")]
    [TestCase("javascript:x", "--target")]
    public async Task A_bad_target_is_a_usage_error_naming_the_option(string target, string option)
    {
        var env = Env();
        var before = Directory.EnumerateFileSystemEntries(Worker.ArtifactsRoot, "*", SearchOption.AllDirectories).Order().ToList();

        var cli = await AionisCli.RunAsync(["job", "incident-publish-hosted", "--source-dir", Bundle, "--target", target, "--run-id", "r"], env);

        Assert.Multiple(() =>
        {
            Assert.That(cli.ExitCode, Is.EqualTo(ExitCodes.Usage));
            Assert.That(cli.Stderr, Does.Contain(option));
            Assert.That(Directory.EnumerateFileSystemEntries(Worker.ArtifactsRoot, "*", SearchOption.AllDirectories).Order(), Is.EqualTo(before),
                "no folder is made of a refused target");
        });
    }

    [Test]
    public async Task Enqueue_inserts_a_pending_row_and_a_dry_run_inserts_nothing()
    {
        await Db.AddTenantAsync("acme");
        var before = await Db.ControlPlaneFingerprintAsync();
        var options = new Dictionary<string, object?>
        {
            ["tenant-id"] = "acme", ["run-id"] = "run-1", ["source-dir"] = Bundle, ["target"] = "gs://bucket/p", ["max-attempts"] = "3",
            ["metadata-json"] = """{"origin":"test"}""",
        };

        var dry = await Worker.RunAsync("hosted-incident-publish-enqueue", options, dryRun: true);
        var afterDry = await Db.ControlPlaneFingerprintAsync();
        var live = WorkerHarness.SummaryJson(await Worker.RunAsync("hosted-incident-publish-enqueue", options));

        var job = live.GetProperty("job");
        Assert.Multiple(() =>
        {
            Assert.That(dry.ExitCode, Is.EqualTo(ExitCodes.Ok));
            Assert.That(afterDry, Is.EqualTo(before));
            Assert.That(job.GetProperty("status").GetString(), Is.EqualTo("pending"));
            Assert.That(job.GetProperty("max_attempts").GetInt32(), Is.EqualTo(3));
            Assert.That(job.GetProperty("source_dir").GetString(), Is.EqualTo(Bundle));
            Assert.That(job.GetProperty("metadata").GetProperty("origin").GetString(), Is.EqualTo("test"));
        });
    }

    [Test]
    public async Task A_relative_target_is_a_folder_under_the_artifacts_root_and_is_queued_as_an_absolute_path()
    {
        await Db.AddTenantAsync("acme");
        var folder = Path.Combine(Worker.ArtifactsRoot, "published");

        var published = WorkerHarness.SummaryJson(await Worker.RunAsync("incident-publish-hosted",
            new Dictionary<string, object?> { ["source-dir"] = Bundle, ["target"] = "published", ["run-id"] = "run-5" }));
        var queued = WorkerHarness.SummaryJson(await Worker.RunAsync("hosted-incident-publish-enqueue",
            new Dictionary<string, object?> { ["tenant-id"] = "acme", ["run-id"] = "run-6", ["source-dir"] = Bundle, ["target"] = "published" }));

        Assert.Multiple(() =>
        {
            Assert.That(published.GetProperty("published_uri").GetString(), Is.EqualTo(Path.Combine(folder, "run-5")));
            Assert.That(File.ReadAllBytes(Path.Combine(folder, "run-5", "00_step.json")), Is.EqualTo(File.ReadAllBytes(Path.Combine(Bundle, "00_step.json"))));
            Assert.That(queued.GetProperty("job").GetProperty("target").GetString(), Is.EqualTo(folder));
        });
    }

    [TestCase("metadata-json", "[1,2]")]
    [TestCase("metadata-json", "{oops")]
    [TestCase("target", "ftp://h/x")]
    [TestCase("run-id", "a/b")]
    public async Task Enqueue_rejects_bad_options_naming_them(string option, string value)
    {
        var options = new Dictionary<string, object?> { ["tenant-id"] = "acme", ["run-id"] = "r", ["target"] = "s3://b/p", [option] = value };

        var error = await Assert.ThrowsAsync<OptionBindingException>(async () => await Worker.RunAsync("hosted-incident-publish-enqueue", options));

        Assert.That(error!.Errors.Select(e => e.Option), Is.EqualTo(new[] { option }));
    }

    private Dictionary<string, string?> Env() => PublishingTargets.CliEnv(Db, Worker.ArtifactsRoot);
}
