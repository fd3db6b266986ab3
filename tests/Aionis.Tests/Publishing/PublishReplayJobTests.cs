using System.Text.Json;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Publishing;

/// <summary>The publish replay, its backoff and its audit event (docs/jobs/publishing.md).</summary>
public sealed class PublishReplayJobTests : DatabaseJobTest
{
    private static readonly DateTimeOffset Fixed = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    protected override DateTimeOffset Now => Fixed;

    [Test]
    public async Task Replay_resets_attempts_to_zero_and_writes_the_audit_event()
    {
        var dead = await Db.AddPublishJobAsync("acme", "run-1", "/b/1", "s3://b/p", Now.AddHours(-2), status: "dead_letter", attempts: 5);
        var failed = await Db.AddPublishJobAsync("acme", "run-2", "/b/2", "s3://b/p", Now.AddHours(-1), status: "failed", attempts: 2);
        await Db.AddPublishJobAsync("acme", "run-3", "/b/3", "s3://b/p", Now, status: "succeeded", attempts: 1);
        await Db.AddPublishJobAsync("other", "run-4", "/b/4", "s3://b/p", Now, status: "dead_letter", attempts: 5);

        var summary = await ReplayAsync(new() { ["tenant-id"] = "acme", ["reason"] = "bucket policy fixed" });

        var row = await Db.PublishJobAsync(dead);
        var audit = (await Db.RowsAsync("SELECT action, tenant_id, details::text AS details, created_at FROM control_audit_events")).Single();
        var details = JsonDocument.Parse((string)audit["details"]!).RootElement;
        Assert.Multiple(async () =>
        {
            Assert.That(summary.GetProperty("replayed_count").GetInt32(), Is.EqualTo(2));
            Assert.That(summary.GetProperty("jobs_sample")[0].GetProperty("next_attempt_at").GetString(), Is.EqualTo("2026-11-20T12:00:00.000Z"));
            Assert.That(row["status"], Is.EqualTo("pending"));
            Assert.That(row["attempts"], Is.EqualTo(0));
            Assert.That(row["next_attempt_at"], Is.EqualTo(Now.UtcDateTime));
            Assert.That((string)row["metadata"]!, Does.Contain("\"replay_reason\": \"bucket policy fixed\""));
            Assert.That((await Db.PublishJobAsync(failed))["attempts"], Is.EqualTo(0));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM control_incident_publish_jobs WHERE status = 'dead_letter'"), Is.EqualTo(1),
                "the other tenant's dead letter stays");
            Assert.That(audit["action"], Is.EqualTo("incident_publish.replay"));
            Assert.That(audit["tenant_id"], Is.EqualTo("acme"));
            Assert.That(details.GetProperty("replayed_count").GetInt32(), Is.EqualTo(2));
            Assert.That(details.GetProperty("reset_attempts").GetBoolean(), Is.True);
            Assert.That(details.GetProperty("sample_job_ids").GetArrayLength(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task No_reset_attempts_leaves_exactly_one_more_try()
    {
        var dead = await Db.AddPublishJobAsync("acme", "run-1", "/b/1", "s3://b/p", Now, status: "dead_letter", attempts: 5);
        var failed = await Db.AddPublishJobAsync("acme", "run-2", "/b/2", "s3://b/p", Now, status: "failed", attempts: 2);

        await ReplayAsync(new() { ["ids"] = $"{dead},{failed}", ["no-reset-attempts"] = null });

        Assert.Multiple(async () =>
        {
            Assert.That((await Db.PublishJobAsync(dead))["attempts"], Is.EqualTo(4));
            Assert.That((await Db.PublishJobAsync(failed))["attempts"], Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_dry_run_previews_the_candidates_and_mutates_nothing()
    {
        await Db.AddPublishJobAsync("acme", "run-1", "/b/1", "s3://b/p", Now, status: "dead_letter", attempts: 5);
        await Db.AddPublishJobAsync("beta", "run-2", "/b/2", "s3://b/p", Now, status: "failed", attempts: 1);
        var before = await Db.ControlPlaneFingerprintAsync();

        var result = await Worker.RunAsync("hosted-incident-publish-replay", new Dictionary<string, object?> { ["all-tenants"] = null }, dryRun: true);

        var summary = WorkerHarness.SummaryJson(result);
        Assert.Multiple(async () =>
        {
            Assert.That(summary.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("candidate_count").GetInt32(), Is.EqualTo(2));
            Assert.That(summary.GetProperty("replayed_count").GetInt32(), Is.Zero);
            Assert.That(await Db.ControlPlaneFingerprintAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Strict_with_no_candidate_exits_2()
    {
        var result = await Worker.RunAsync("hosted-incident-publish-replay", new Dictionary<string, object?> { ["tenant-id"] = "acme", ["strict"] = null });

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
    }

    [Test]
    public async Task Replay_without_a_scope_is_a_usage_error()
    {
        var cli = await AionisCli.RunAsync(["job", "hosted-incident-publish-replay"], AionisCli.EnvFor(Db, Worker.ArtifactsRoot));

        Assert.Multiple(() =>
        {
            Assert.That(cli.ExitCode, Is.EqualTo(ExitCodes.Usage));
            Assert.That(cli.Stderr, Does.Contain("tenant-id or ids is required unless --all-tenants is set"));
        });
    }

    /// <summary>
    /// Corpus of #14 "Publishing": only failed and dead-letter jobs are replayed; any other status, alone or in a list, is
    /// a usage error naming the bad value, and no row changes (a succeeded job is never re-uploaded live).
    /// </summary>
    [TestCase("succeeded", "succeeded")]
    [TestCase("pending", "pending")]
    [TestCase("processing", "processing")]
    [TestCase("failed,succeeded", "succeeded")]
    [TestCase("dead_letter,pending", "pending")]
    [TestCase("FAILED", "FAILED")]
    public async Task Replay_of_a_status_other_than_failed_or_dead_letter_is_a_usage_error(string statuses, string bad)
    {
        var succeeded = await Db.AddPublishJobAsync("acme", "run-1", "/b/1", "s3://b/p", Now.AddHours(-1), status: "succeeded", attempts: 1);
        await Db.AddPublishJobAsync("acme", "run-2", "/b/2", "s3://b/p", Now.AddHours(-1), status: "failed", attempts: 1);
        var before = await Db.RowsAsync("SELECT id, status, attempts, metadata::text AS metadata FROM control_incident_publish_jobs ORDER BY id");

        var cli = await AionisCli.RunAsync(["job", "hosted-incident-publish-replay", "--tenant-id", "acme", "--statuses", statuses],
            AionisCli.EnvFor(Db, Worker.ArtifactsRoot));

        var after = await Db.RowsAsync("SELECT id, status, attempts, metadata::text AS metadata FROM control_incident_publish_jobs ORDER BY id");
        Assert.Multiple(async () =>
        {
            Assert.That(cli.ExitCode, Is.EqualTo(ExitCodes.Usage), cli.Stderr);
            Assert.That(cli.Stderr, Does.Contain("--statuses").And.Contain($"'{bad}' is not allowed; allowed: failed, dead_letter"));
            Assert.That(cli.Stderr, Does.Not.Contain("   at "), "one line, no stack trace");
            Assert.That(after, Is.EqualTo(before), "nothing replayed");
            Assert.That((await Db.PublishJobAsync(succeeded))["status"], Is.EqualTo("succeeded"));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM control_audit_events"), Is.EqualTo(0));
        });
    }

    private async Task<JsonElement> ReplayAsync(Dictionary<string, object?> options)
    {
        var result = await Worker.RunAsync("hosted-incident-publish-replay", options);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        return WorkerHarness.SummaryJson(result);
    }
}
