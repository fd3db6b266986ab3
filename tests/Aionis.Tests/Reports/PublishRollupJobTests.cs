using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.Reports;

/// <summary>hosted-incident-publish-rollup (docs/jobs/reports.md): counts, replay sums and the failed sample by hand, and the roll-up inside the incident bundle.</summary>
public sealed class PublishRollupJobTests : DatabaseJobTest
{
    protected override DateTimeOffset Now => new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private Task AddAuditAsync(string tenantId, string action, DateTimeOffset at, string details) =>
        Db.ExecuteAsync("""
            INSERT INTO control_audit_events (action, resource_type, tenant_id, details, created_at) VALUES ($1, 'incident_publish', $2, $3::jsonb, $4)
            """, action, tenantId, details, at);

    /// <summary>
    /// acme, last 168 h: 3 succeeded, 2 failed, 1 dead_letter, 1 pending; 10 days ago 4 dead_letter (outside the counts, inside
    /// the failed sample, which ignores the window). Audit: replays with replayed 3 and "abc" (→ 0), candidates 5 and 2; a preview
    /// with 7 candidates; a replay 8 days ago and one of another tenant do not count.
    /// </summary>
    private async Task ArrangeAsync()
    {
        await Db.AddFinishedPublishJobsAsync("acme", "succeeded", 3, Now.AddHours(-10));
        await Db.AddFinishedPublishJobsAsync("acme", "failed", 2, Now.AddHours(-5));
        await Db.AddFinishedPublishJobsAsync("acme", "dead_letter", 1, Now.AddHours(-1));
        await Db.AddFinishedPublishJobsAsync("acme", "pending", 1, Now.AddHours(-1));
        await Db.AddFinishedPublishJobsAsync("acme", "dead_letter", 4, Now.AddDays(-10));
        await Db.AddFinishedPublishJobsAsync("other", "failed", 9, Now.AddHours(-1));
        await AddAuditAsync("acme", "incident_publish.replay", Now.AddHours(-2), """{"replayed_count": 3, "candidate_count": 5}""");
        await AddAuditAsync("acme", "incident_publish.replay", Now.AddHours(-3), """{"replayed_count": "abc", "candidate_count": "2"}""");
        await AddAuditAsync("acme", "incident_publish.replay.preview", Now.AddHours(-4), """{"replayed_count": 0, "candidate_count": 7}""");
        await AddAuditAsync("acme", "incident_publish.replay", Now.AddDays(-8), """{"replayed_count": 50, "candidate_count": 50}""");
        await AddAuditAsync("other", "incident_publish.replay", Now.AddHours(-2), """{"replayed_count": 60, "candidate_count": 60}""");
    }

    [Test]
    public async Task The_rollup_has_the_hand_computed_counts_replay_sums_and_newest_failed_jobs()
    {
        await ArrangeAsync();
        var result = await Worker.RunAsync("hosted-incident-publish-rollup", new Dictionary<string, object?>
        {
            ["tenant-id"] = "acme", ["sample-limit"] = "4", ["out"] = "rollup/acme.json",
        });
        var r = WorkerHarness.SummaryJson(result);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That(r.GetProperty("tenant_id").GetString(), Is.EqualTo("acme"));
            Assert.That(r.GetProperty("window_hours").GetInt32(), Is.EqualTo(168));
            var jobs = r.GetProperty("jobs");
            Assert.That(jobs.GetProperty("total").GetInt64(), Is.EqualTo(7));
            Assert.That(jobs.GetProperty("status_counts").EnumerateObject().Select(p => (p.Name, p.Value.GetInt64())),
                Is.EqualTo(new[] { ("dead_letter", 1L), ("failed", 2L), ("pending", 1L), ("succeeded", 3L) }));
            Assert.That(jobs.GetProperty("failed_or_dead_letter").GetInt64(), Is.EqualTo(3));
            var replay = r.GetProperty("replay");
            Assert.That((replay.GetProperty("replay_events").GetInt64(), replay.GetProperty("preview_events").GetInt64(),
                replay.GetProperty("replayed_count").GetInt64(), replay.GetProperty("candidate_count").GetInt64()), Is.EqualTo((2L, 1L, 3L, 14L)));
            var sample = r.GetProperty("failed_sample").EnumerateArray().ToList();
            Assert.That(sample.Select(j => j.GetProperty("status").GetString()), Is.EqualTo(new[] { "dead_letter", "failed", "failed", "dead_letter" }),
                "newest update first, whatever the window: the 1 h old dead letter, the two failed, then an old one");
            Assert.That(sample[3].GetProperty("updated_at").GetString(), Is.EqualTo("2026-11-21T12:00:00.000Z"));
            Assert.That(r.TryGetProperty("warning", out _), Is.False);
            Assert.That(File.ReadAllText(Path.Combine(Worker.ArtifactsRoot, "rollup", "acme.md")),
                Does.Contain("**7 jobs created · 3 failed or dead-lettered · 2 replays (3 jobs) · 1 previews (14 candidates in all)**"));
        });
    }

    [Test]
    public async Task A_missing_publish_table_gives_the_reference_warning_and_zero_counts()
    {
        await Db.ExecuteAsync("DROP TABLE control_incident_publish_jobs");

        var result = await Worker.RunAsync("hosted-incident-publish-rollup", new Dictionary<string, object?> { ["tenant-id"] = "acme", ["strict"] = "true" });
        var r = WorkerHarness.SummaryJson(result);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(r.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(r.GetProperty("warning").GetString(), Is.EqualTo("incident_publish_schema_missing"));
            Assert.That(r.GetProperty("jobs").GetProperty("total").GetInt64(), Is.EqualTo(0));
            Assert.That(r.GetProperty("failed_sample").GetArrayLength(), Is.EqualTo(0));
        });
    }

    [TestCase("window-hours", "0")]
    [TestCase("window-hours", "8761")]
    [TestCase("sample-limit", "101")]
    [TestCase("tenant-id", " ")]
    public void Values_outside_the_references_clamps_are_refused(string option, string value)
    {
        var e = Assert.Throws<Aionis.Jobs.Framework.OptionBindingException>(() => Aionis.Jobs.Framework.OptionBinder.Bind(
            Aionis.Jobs.Framework.JobCatalog.Default.Get("hosted-incident-publish-rollup"), new Dictionary<string, object?> { ["tenant-id"] = "acme", [option] = value }, _ => null));
        Assert.That(e!.Message, Does.Contain(option));
    }

    [Test]
    public async Task The_incident_bundle_carries_the_rollup_of_its_tenant_and_window_as_a_step()
    {
        await ArrangeAsync();

        var result = await Worker.RunAsync("incident-bundle-hosted", new Dictionary<string, object?>
        {
            ["tenant-id"] = "acme", ["run-id"] = "20261201_120000", ["out-dir"] = "bundles/acme", ["window-hours"] = "24",
            ["skip-key-sla"] = true, ["skip-timeseries"] = true, ["skip-key-usage"] = true, ["skip-incident-slo"] = true,
        });
        var bundle = Path.Combine(Worker.ArtifactsRoot, "bundles", "acme");
        var rollup = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "incident_publish_rollup.json"))).RootElement;
        var step = WorkerHarness.SummaryJson(result).GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "incident_publish_rollup");
        var index = File.ReadAllText(Path.Combine(bundle, "evidence_index.json"));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That(rollup.GetProperty("window_hours").GetInt32(), Is.EqualTo(24), "the bundle's window");
            Assert.That(rollup.GetProperty("jobs").GetProperty("total").GetInt64(), Is.EqualTo(7), "all seven are younger than 24 h");
            Assert.That(rollup.GetProperty("replay").GetProperty("candidate_count").GetInt64(), Is.EqualTo(14));
            Assert.That(step.GetProperty("note").GetString(), Is.EqualTo("jobs=7,failed_or_dead_letter=3"));
            Assert.That(index, Does.Contain("\"incident_publish_rollup.json\"").And.Contain("05c_incident_publish_rollup.log"), "sealed with the rest");
        });
    }
}
