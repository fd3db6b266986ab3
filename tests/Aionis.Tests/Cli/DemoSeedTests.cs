using System.Text.Json;
using Aionis.Tests.Support;
using Amazon.S3;

namespace Aionis.Tests.Cli;

/// <summary><c>aionis demo seed</c>: demo rows in every control-plane table, idempotent, and publish jobs with real bundles.</summary>
public sealed class DemoSeedTests : BinaryTest
{
    private const string DemoBucket = "aionis-demo-evidence";

    private Dictionary<string, string?> Env() => PublishingTargets.CliEnv(Db, Dir);

    private Task<CliResult> SeedAsync() => AionisCli.RunAsync(["demo", "seed", "--tenants", "3", "--days", "2", "--requests", "3000"], Env());

    private Task<string> CountsAsync() => Db.ScalarAsync<string>("""
        SELECT format('tenants=%s keys=%s audit=%s telemetry=%s routes=%s publish=%s',
            (SELECT count(*) FROM control_tenants WHERE tenant_id LIKE 'demo\_tenant\_%'),
            (SELECT count(*) FROM control_api_keys WHERE tenant_id LIKE 'demo\_tenant\_%'),
            (SELECT count(*) FROM control_audit_events WHERE tenant_id LIKE 'demo\_tenant\_%'),
            (SELECT count(*) FROM memory_request_telemetry WHERE tenant_id LIKE 'demo\_tenant\_%'),
            (SELECT count(*) FROM control_alert_routes WHERE tenant_id LIKE 'demo\_tenant\_%'),
            (SELECT count(*) FROM control_incident_publish_jobs WHERE tenant_id LIKE 'demo\_tenant\_%'))
        """);

    [Test]
    public async Task Seeding_fills_every_table_and_seeding_again_gives_the_same_rows()
    {
        var first = await SeedAsync();
        var afterFirst = await CountsAsync();
        var second = await SeedAsync();

        var statuses = (await Db.RowsAsync("SELECT DISTINCT status FROM control_incident_publish_jobs")).Select(r => (string)r["status"]!);
        Assert.Multiple(async () =>
        {
            Assert.That(first.ExitCode, Is.EqualTo(0), first.Stderr);
            Assert.That(second.ExitCode, Is.EqualTo(0), second.Stderr);
            Assert.That(first.Stderr, Does.Contain("demo seed: done (3 tenants, 2 days"));
            Assert.That(afterFirst, Does.Match(@"^tenants=3 keys=[1-9]\d* audit=[1-9]\d* telemetry=[1-9]\d* routes=[1-9]\d* publish=36$"));
            Assert.That(await CountsAsync(), Is.EqualTo(afterFirst), "a second seed replaces the demo rows");
            Assert.That(statuses, Is.EquivalentTo(new[] { "succeeded", "failed", "dead_letter", "pending" }));
        });
    }

    [Test]
    public async Task Every_demo_alert_route_points_at_the_local_receiver_and_none_at_an_outside_host()
    {
        var seed = await AionisCli.RunAsync(["demo", "seed", "--tenants", "2", "--days", "1", "--requests", "100", "--alert-receiver", "http://127.0.0.1:41234"], Env());
        var outside = await AionisCli.RunAsync(["demo", "seed", "--tenants", "2", "--days", "1", "--requests", "100", "--alert-receiver", "https://hooks.slack.com"], Env());

        var targets = (await Db.RowsAsync("SELECT channel, target FROM control_alert_routes")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(seed.ExitCode, Is.EqualTo(0), seed.Stderr);
            Assert.That(targets.Select(t => t["channel"]).Distinct(), Is.EquivalentTo(new[] { "webhook", "slack_webhook", "pagerduty_events" }));
            Assert.That(targets.Select(t => (string?)t["target"]), Has.All.StartWith("http://127.0.0.1:41234/"));
            Assert.That(outside.ExitCode, Is.EqualTo(64), "an outside host is refused");
            Assert.That(File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "task_registry.yml")), Does.Not.Contain("slack.com").And.Not.Contain("/var/lib/aionis"));
        });
    }

    [Test]
    public async Task The_demo_publish_jobs_due_now_publish_their_bundles_to_the_demo_bucket()
    {
        await SeedAsync();
        using var s3 = PublishingTargets.S3Client();
        try
        {
            await s3.PutBucketAsync(DemoBucket);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            // Another run of this test made it.
        }
        var due = (await Db.RowsAsync("SELECT id, source_dir FROM control_incident_publish_jobs WHERE status = 'pending'")).ToList();

        var worker = await AionisCli.RunAsync(["job", "hosted-incident-publish-worker"], Env());

        var summary = JsonDocument.Parse(worker.Stdout).RootElement;
        var statuses = new List<string>();
        foreach (var job in due) statuses.Add((string)(await Db.PublishJobAsync((Guid)job["id"]!))["status"]!);
        Assert.Multiple(() =>
        {
            Assert.That(due, Has.Count.EqualTo(3), "one pending job for each of the three tenants with publish jobs");
            Assert.That(due.Select(j => (string)j["source_dir"]!), Has.All.StartWith(Path.Combine(Dir, "demo-bundles")));
            Assert.That(worker.ExitCode, Is.EqualTo(0), worker.Stderr);
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.True, worker.Stdout);
            Assert.That(statuses, Is.All.EqualTo("succeeded"));
        });
    }
}
