using System.Text.Json;
using Aionis.Jobs.Framework;
using Aionis.Tests.Support;
using Aionis.Worker.Running;
using Amazon.S3.Model;
using Microsoft.Extensions.Time.Testing;

namespace Aionis.Tests.Evidence;

/// <summary>
/// #13 "Evidence of every tenant is kept": <c>incident_bundle_daily</c> (<c>tenant_id: "*"</c>) gives every tenant its own
/// bundle run id and publish prefix, so no tenant's off-site evidence overwrites another's.
/// </summary>
public sealed class IncidentBundleFanOutTests
{
    private const string SigningKey = "fan-out-hmac-key-91c2";
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 6, 30, 0, TimeSpan.Zero);
    private static readonly string[] Tenants = ["acme", "globex", "initech"];

    private TestDatabase _db = null!;
    private WorkerHarness _worker = null!;

    [SetUp]
    public async Task SetUp()
    {
        _db = await TestDatabase.CreateAsync();
        _worker = new WorkerHarness(_db, PublishingTargets.Settings(), new FakeTimeProvider(Now));
        foreach (var tenant in Tenants)
        {
            await _db.AddTenantAsync(tenant);
            await _db.AddAuditEventsAsync(tenant, $"{tenant}.update", count: 3, firstAt: Now.AddHours(-1));
        }
        await _db.AddTenantAsync("closed-co", status: "suspended");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _worker.DisposeAsync();
        await _db.DisposeAsync();
    }

    private Task<RunResult> BundleAllAsync(string target) => _worker.RunAsync("incident-bundle-hosted", new Dictionary<string, object?>
    {
        ["tenant-id"] = "*",
        ["out-dir"] = "hosted_incident_bundle/{tenant_id}/{run_id}",
        ["publish-target"] = target,
        ["signing-key"] = SigningKey,
        ["skip-key-sla"] = true,
    }, taskId: "incident_bundle_daily");

    [Test]
    public async Task Every_tenant_publishes_its_own_bundle_to_its_own_prefix_in_s3_and_none_is_overwritten()
    {
        var bucket = await PublishingTargets.NewS3BucketAsync();

        var result = await BundleAllAsync($"s3://{bucket}/incident-bundles");

        using var s3 = PublishingTargets.S3Client();
        var keys = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects?.Select(o => o.Key).ToList() ?? [];
        var artifacts = JsonDocument.Parse((string)(await _db.RowsAsync("SELECT artifacts::text AS a FROM worker.job_runs WHERE run_id = $1", result.RunId))
            .Single()["a"]!).RootElement;
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), JobJson.Serialize(result.Summary) + result.Error);
        Assert.Multiple(() =>
        {
            Assert.That(keys.Select(k => k.Split('/')[1]).Distinct(), Is.EquivalentTo(Tenants), "one object set per active tenant, under its own prefix");
            foreach (var tenant in Tenants)
            {
                var runId = $"20261120_063000_{tenant}";
                var prefix = $"incident-bundles/{tenant}/{runId}/";
                var own = keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList();
                var bundleDir = artifacts.GetProperty($"{tenant}/bundle_dir").GetString()!;
                var local = Directory.EnumerateFiles(bundleDir, "*", SearchOption.AllDirectories)
                    .Select(f => Path.GetRelativePath(bundleDir, f)).Where(f => f is not ("summary.json" or "publish_attestation.json")).Order().ToList();
                Assert.That(own.Select(k => k[prefix.Length..]).Order(), Is.EqualTo(local), $"{tenant}: every file of its bundle, under {prefix}");
                Assert.That(artifacts.GetProperty($"{tenant}/published_uri").GetString(), Is.EqualTo($"s3://{bucket}/incident-bundles/{tenant}/{runId}"));
                Assert.That(artifacts.GetProperty($"{tenant}/summary_json").GetString(), Is.EqualTo(Path.Combine(bundleDir, "summary.json")));
            }
        });

        foreach (var tenant in Tenants)
        {
            var runId = $"20261120_063000_{tenant}";
            var index = await ReadJsonAsync(s3, bucket, $"incident-bundles/{tenant}/{runId}/evidence_index.json");
            var events = await ReadJsonAsync(s3, bucket, $"incident-bundles/{tenant}/{runId}/audit_events.json");
            Assert.Multiple(() =>
            {
                Assert.That(index.GetProperty("run_id").GetString(), Is.EqualTo(runId), "each tenant's bundle has its own run id");
                Assert.That(events.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("tenant_id").GetString()).Distinct(),
                    Is.EqualTo(new[] { tenant }), "the published evidence is that tenant's, not the last tenant's");
            });
        }
    }

    /// <summary>
    /// #13 "Done when" as the local run shows it: every tenant's published bundle, read back from its own prefix, is
    /// signed, and the signatures verify with the auditor's tools and with <c>hosted-incident-verify --require-signature</c>.
    /// </summary>
    [Test]
    public async Task Every_tenants_published_bundle_read_back_from_its_prefix_is_signed_and_its_signatures_verify()
    {
        var bucket = await PublishingTargets.NewS3BucketAsync();
        var keys = Directory.CreateTempSubdirectory("aionis-fan-out-keys-").FullName;
        var (privatePem, publicPem) = await EvidenceTools.NewP256KeyPairAsync(keys, "evidence");
        var settings = PublishingTargets.Settings();
        settings["Evidence:SigningKeyPemFile"] = privatePem;
        await using var signing = new WorkerHarness(_db, settings, new FakeTimeProvider(Now));
        var result = await signing.RunAsync("incident-bundle-hosted", new Dictionary<string, object?>
        {
            ["tenant-id"] = "*",
            ["out-dir"] = "hosted_incident_bundle/{tenant_id}/{run_id}",
            ["publish-target"] = $"s3://{bucket}/incident-bundles",
            ["signing-key"] = SigningKey,
            ["require-signature"] = true,
            ["skip-key-sla"] = true,
        }, taskId: "incident_bundle_daily");
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), JobJson.Serialize(result.Summary) + result.Error);

        using var s3 = PublishingTargets.S3Client();
        var downloaded = Directory.CreateTempSubdirectory("aionis-fan-out-read-back-").FullName;
        foreach (var tenant in Tenants)
        {
            var prefix = $"incident-bundles/{tenant}/20261120_063000_{tenant}/";
            var copy = Path.Combine(downloaded, tenant);
            var objects = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix })).S3Objects ?? [];
            foreach (var entry in objects)
            {
                using var response = await s3.GetObjectAsync(bucket, entry.Key);
                await response.WriteResponseStreamToFileAsync(Path.Combine(copy, entry.Key[prefix.Length..]), append: false, CancellationToken.None);
            }
            var sums = await EvidenceTools.RunAsync("sha256sum", copy, "-c", "--strict", "SHA256SUMS");
            var sumsSignature = await EvidenceTools.RunAsync("openssl", copy, "dgst", "-sha256", "-verify", publicPem, "-signature", "SHA256SUMS.sig", "SHA256SUMS");
            var indexSignature = await EvidenceTools.RunAsync("openssl", copy, "dgst", "-sha256", "-verify", publicPem, "-signature", "evidence_index.json.sig", "evidence_index.json");
            var verify = await signing.RunAsync("hosted-incident-verify", new Dictionary<string, object?>
            {
                ["bundle-dir"] = copy, ["signing-key"] = SigningKey, ["public-key-pem"] = publicPem, ["require-signature"] = true,
            });
            var summary = JsonDocument.Parse(JobJson.Serialize(verify.Summary)).RootElement;
            Assert.Multiple(() =>
            {
                Assert.That(objects.Select(o => o.Key), Has.Some.EqualTo(prefix + "SHA256SUMS.sig"), $"{tenant}: its signed checksums under its own prefix");
                Assert.That(sums.ExitCode, Is.EqualTo(0), $"{tenant}: sha256sum -c\n{sums.Stdout}{sums.Stderr}");
                Assert.That(sumsSignature.Stdout.Trim(), Is.EqualTo("Verified OK"), $"{tenant}: SHA256SUMS.sig {sumsSignature.Stderr}");
                Assert.That(indexSignature.Stdout.Trim(), Is.EqualTo("Verified OK"), $"{tenant}: evidence_index.json.sig {indexSignature.Stderr}");
                Assert.That(summary.GetProperty("ok").GetBoolean(), Is.True, $"{tenant}: {summary}");
                Assert.That(summary.GetProperty("signature_verified").GetBoolean(), Is.True, $"{tenant}: {summary}");
                foreach (var field in new[] { "signature", "ecdsa_signature", "sha256_sums_signature" })
                {
                    Assert.That(summary.GetProperty(field).GetProperty("valid").GetBoolean(), Is.True, $"{tenant}: {field} {summary}");
                }
            });
        }

        // Negative control: one changed byte in one tenant's read-back copy is caught by every check above.
        var forged = Path.Combine(downloaded, Tenants[0], "audit_events.json");
        await File.WriteAllTextAsync(forged, (await File.ReadAllTextAsync(forged)).Replace(Tenants[0], Tenants[1]));
        var forgedVerify = await signing.RunAsync("hosted-incident-verify", new Dictionary<string, object?>
        {
            ["bundle-dir"] = Path.Combine(downloaded, Tenants[0]), ["public-key-pem"] = publicPem, ["require-signature"] = true,
        });
        Assert.Multiple(async () =>
        {
            Assert.That((await EvidenceTools.RunAsync("sha256sum", Path.Combine(downloaded, Tenants[0]), "-c", "--quiet", "SHA256SUMS")).ExitCode, Is.Not.EqualTo(0));
            Assert.That(JsonDocument.Parse(JobJson.Serialize(forgedVerify.Summary)).RootElement.GetProperty("ok").GetBoolean(), Is.False);
        });
        Directory.Delete(downloaded, recursive: true);
        Directory.Delete(keys, recursive: true);
    }

    [Test]
    public async Task Queued_publishes_of_a_fan_out_each_name_their_tenants_prefix_and_run_id()
    {
        var result = await _worker.RunAsync("incident-bundle-hosted", new Dictionary<string, object?>
        {
            ["tenant-id"] = "*",
            ["out-dir"] = "hosted_incident_bundle/{tenant_id}/{run_id}",
            ["publish-target"] = "s3://aionis-evidence/incident-bundles",
            ["publish-async"] = true,
            ["skip-key-sla"] = true,
        }, taskId: "incident_bundle_daily");

        var queued = await _db.RowsAsync("SELECT tenant_id, run_id, target FROM control_incident_publish_jobs ORDER BY tenant_id");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), JobJson.Serialize(result.Summary) + result.Error);
            Assert.That(queued.Select(q => (q["tenant_id"], q["run_id"], q["target"])), Is.EqualTo(Tenants.Select(t =>
                ((object?)t, (object?)$"20261120_063000_{t}", (object?)$"s3://aionis-evidence/incident-bundles/{t}"))));
        });
    }

    [Test]
    public async Task A_fan_out_into_one_shared_folder_is_a_usage_error()
    {
        var cli = await AionisCli.RunAsync(["job", "incident-bundle-hosted", "--tenant-id", "*", "--out-dir", "bundles/all"],
            AionisCli.EnvFor(_db, _worker.ArtifactsRoot));

        Assert.Multiple(() =>
        {
            Assert.That(cli.ExitCode, Is.EqualTo(ExitCodes.Usage), cli.Stderr);
            Assert.That(cli.Stderr, Does.Contain("--out-dir").And.Contain("must contain {tenant_id}"));
            Assert.That(Directory.Exists(Path.Combine(_worker.ArtifactsRoot, "bundles")), Is.False);
        });
    }

    private static async Task<JsonElement> ReadJsonAsync(Amazon.S3.IAmazonS3 s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        return (await JsonDocument.ParseAsync(response.ResponseStream)).RootElement.Clone();
    }
}
