using System.Text.Json;
using Aionis.Data.History;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Publishing;

/// <summary>The publish worker, its backoff and its stale-lock recovery (docs/jobs/publishing.md), against Postgres and real targets.</summary>
public sealed class PublishWorkerJobTests : PublishingJobTest
{
    protected override DateTimeOffset Now => new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task A_queued_bundle_is_published_to_s3_and_the_row_keeps_the_attestation()
    {
        var bucket = await PublishingTargets.NewS3BucketAsync();
        var id = await Db.AddPublishJobAsync("acme", "run-7", Bundle, $"s3://{bucket}/incidents", Now);

        var summary = await RunWorkerAsync();

        var row = await Db.PublishJobAsync(id);
        var response = JsonDocument.Parse((string)row["last_response"]!).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("succeeded").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("rows")[0].GetProperty("published_uri").GetString(), Is.EqualTo($"s3://{bucket}/incidents/run-7"));
            Assert.That(row["status"], Is.EqualTo("succeeded"));
            Assert.That(row["attempts"], Is.EqualTo(1));
            Assert.That(row["locked_by"], Is.Null);
            Assert.That(row["published_uri"], Is.EqualTo($"s3://{bucket}/incidents/run-7"));
            Assert.That(response.GetProperty("attestation").GetProperty("object_count").GetInt32(), Is.EqualTo(4));
            Assert.That(response.GetProperty("attestation").GetProperty("run_prefix").GetString(), Is.EqualTo("incidents/run-7"));
        });
    }

    [Test]
    public async Task A_target_failing_five_times_backs_off_30_60_120_240_then_dead_letters()
    {
        var id = await Db.AddPublishJobAsync("acme", "run-1", Bundle, $"s3://missing-{Guid.NewGuid():N}"[..30], Now);

        var delays = new List<int>();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var row = (await RunWorkerAsync()).GetProperty("rows")[0];
            Assert.That(row.GetProperty("status").GetString(), Is.EqualTo("failed"));
            delays.Add(row.GetProperty("retry_delay_seconds").GetInt32());
            Assert.That((DateTime)(await Db.PublishJobAsync(id))["next_attempt_at"]!,
                Is.EqualTo(Clock.GetUtcNow().UtcDateTime.AddSeconds(delays[^1])));
            Clock.Advance(TimeSpan.FromSeconds(delays[^1]));
        }
        var dueBefore = (DateTime)(await Db.PublishJobAsync(id))["next_attempt_at"]!;
        var last = (await RunWorkerAsync(strict: true)).GetProperty("rows")[0];
        Clock.Advance(TimeSpan.FromDays(1));
        var afterwards = await RunWorkerAsync();

        var dead = await Db.PublishJobAsync(id);
        Assert.Multiple(() =>
        {
            Assert.That(delays, Is.EqualTo(new[] { 30, 60, 120, 240 }));
            Assert.That(last.GetProperty("status").GetString(), Is.EqualTo("dead_letter"));
            Assert.That(dead["status"], Is.EqualTo("dead_letter"));
            Assert.That(dead["attempts"], Is.EqualTo(5));
            Assert.That(dead["next_attempt_at"], Is.EqualTo(dueBefore), "a dead letter keeps its next_attempt_at");
            Assert.That((string)dead["last_error"]!, Does.Contain("bucket").IgnoreCase);
            Assert.That(afterwards.GetProperty("processed").GetInt32(), Is.Zero, "a dead letter is never claimed again");
        });
    }

    [Test]
    public async Task A_processing_row_older_than_the_lock_timeout_is_recovered_as_a_failed_attempt()
    {
        var stale = await Db.AddPublishJobAsync("acme", "run-stale", Bundle, "file:///tmp/unused", Now.AddHours(-1), status: "processing",
            attempts: 1, lockedBy: "dead-worker", lockedAt: Now.AddSeconds(-901));
        var fresh = await Db.AddPublishJobAsync("acme", "run-busy", Bundle, "file:///tmp/unused", Now.AddHours(-1), status: "processing",
            attempts: 1, lockedBy: "live-worker", lockedAt: Now.AddSeconds(-899));

        var summary = await RunWorkerAsync(extra: new() { ["lock-timeout-seconds"] = "900" });

        var recovered = await Db.PublishJobAsync(stale);
        var busy = await Db.PublishJobAsync(fresh);
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("recovered_stale").GetInt32(), Is.EqualTo(1));
            Assert.That(recovered["status"], Is.EqualTo("failed"));
            Assert.That(recovered["attempts"], Is.EqualTo(1));
            Assert.That(recovered["locked_by"], Is.Null);
            Assert.That((string)recovered["last_error"]!, Does.Contain("dead-worker"));
            Assert.That(recovered["next_attempt_at"], Is.EqualTo(Now.UtcDateTime.AddSeconds(30)));
            Assert.That(busy["status"], Is.EqualTo("processing"));
        });
    }

    [Test]
    public async Task Two_workers_racing_on_50_jobs_publish_each_exactly_once()
    {
        await using var gcs = await PublishingGcsFake.StartAsync();
        await using var racing = new WorkerHarness(Db, PublishingTargets.Settings(gcs), Clock);
        for (var i = 0; i < 50; i++) await Db.AddPublishJobAsync("acme", $"run-{i:00}", Bundle, "gs://race/incidents", Now.AddSeconds(-i));

        var options = (string worker) => new Dictionary<string, object?> { ["worker-id"] = worker, ["max-jobs"] = "2000", ["max-parallel-uploads"] = "2" };
        var results = await Task.WhenAll(racing.RunAsync("hosted-incident-publish-worker", options("w1")),
            racing.RunAsync("hosted-incident-publish-worker", options("w2")));

        var processed = results.Select(r => WorkerHarness.SummaryJson(r).GetProperty("processed").GetInt32()).ToList();
        var rows = await Db.RowsAsync("SELECT status, attempts FROM control_incident_publish_jobs");
        Assert.Multiple(() =>
        {
            Assert.That(processed.Sum(), Is.EqualTo(50));
            Assert.That(rows.All(r => (string)r["status"]! == "succeeded" && (int)r["attempts"]! == 1), Is.True);
            Assert.That(gcs.UploadCount, Is.EqualTo(50 * 4), "every file of every bundle uploaded once");
            Assert.That(gcs.Keys, Has.Count.EqualTo(50 * 4));
        });
    }

    [Test]
    public async Task A_dry_run_shows_the_jobs_it_would_claim_and_changes_nothing()
    {
        var due = await Db.AddPublishJobAsync("acme", "run-due", Bundle, "s3://b/p", Now.AddMinutes(-1));
        await Db.AddPublishJobAsync("acme", "run-later", Bundle, "s3://b/p", Now.AddMinutes(5));
        var before = await Db.ControlPlaneFingerprintAsync();

        var result = await Worker.RunAsync("hosted-incident-publish-worker", dryRun: true);

        var summary = WorkerHarness.SummaryJson(result);
        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok));
            Assert.That(summary.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("would_claim").EnumerateArray().Select(j => j.GetProperty("id").GetGuid()), Is.EqualTo(new[] { due }));
            Assert.That(await Db.ControlPlaneFingerprintAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task A_publish_over_its_timeout_counts_as_a_failed_attempt()
    {
        await using var gcs = await PublishingGcsFake.StartAsync(responseDelay: TimeSpan.FromSeconds(5));
        await using var slow = new WorkerHarness(Db, PublishingTargets.Settings(gcs), Clock);
        var id = await Db.AddPublishJobAsync("acme", "run-slow", Bundle, "gs://slow/x", Now);

        var result = await slow.RunAsync("hosted-incident-publish-worker", new Dictionary<string, object?> { ["publish-timeout-seconds"] = "1" });

        var row = await Db.PublishJobAsync(id);
        Assert.Multiple(() =>
        {
            Assert.That(WorkerHarness.SummaryJson(result).GetProperty("failed").GetInt32(), Is.EqualTo(1));
            Assert.That(row["status"], Is.EqualTo("failed"));
            Assert.That(row["last_error"], Is.EqualTo("publish timed out after 1 s"));
        });
    }

    private async Task<JsonElement> RunWorkerAsync(bool strict = false, Dictionary<string, object?>? extra = null)
    {
        var options = extra ?? [];
        if (strict) options["strict"] = null;
        var result = await Worker.RunAsync("hosted-incident-publish-worker", options);
        // No failure of the run: an error only as a gate verdict's reason.
        Assert.That(result.Error, result.Status == RunStatus.GateFailed ? Is.Not.Null : Is.Null);
        return WorkerHarness.SummaryJson(result);
    }
}
