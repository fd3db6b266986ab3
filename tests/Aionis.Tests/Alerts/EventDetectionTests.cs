using System.Text.Json;
using Aionis.Jobs.Alerts;
using Aionis.Jobs.Framework;
using Aionis.Jobs.Telemetry;
using Aionis.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Aionis.Tests.Alerts;

/// <summary>
/// key_usage_anomaly and incident_publish_slo_degraded come from their own jobs, run from the catalog: both jobs are in
/// it, so the seeded rows below must raise the event. A catalog without the job reports the event not evaluated.
/// </summary>
public sealed class EventDetectionTests : AlertJobTest
{
    protected override DateTimeOffset Now => new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task A_job_missing_from_the_catalog_is_reported_not_evaluated()
    {
        var reader = new CatalogJobReader(new NestedJobRunner(new JobCatalog([]), Worker.Services, new ConfigurationBuilder().Build()));

        var result = await reader.RunAsync<KeyUsageAnomalyOptions, KeyUsageAnomalySummary>(_ => { }, new JobContext { RunId = Guid.NewGuid() });

        Assert.Multiple(() =>
        {
            Assert.That(result.Summary, Is.Null);
            Assert.That(result.Reason, Is.EqualTo("job_not_available"));
        });
    }

    [Test]
    public async Task A_key_usage_spike_raises_key_usage_anomaly()
    {
        // The worked example: baseline 1440 requests over 144 h → expected 240 in 24 h; 480 recent requests is a 2.0 spike.
        await Db.AddTenantAsync("acme");
        await Db.AddTelemetryAsync("acme", "write", Now.AddHours(-100), 1440, keyPrefix: "ak_live_spiky");
        await Db.AddTelemetryAsync("acme", "write", Now.AddHours(-2), 480, keyPrefix: "ak_live_spiky");
        await Db.AddAlertRouteAsync("acme", "webhook", Receiver.Url());

        var summary = WorkerHarness.SummaryJson(await Worker.RunAsync("hosted-alert-dispatch",
            new Dictionary<string, object?> { ["tenant-id"] = "acme", ["event-types"] = AlertEventTypes.KeyUsageAnomaly }));

        AssertDetected(summary, "hosted-key-usage-anomaly", AlertEventTypes.KeyUsageAnomaly, "warning",
            "tenant acme has 1 key-usage anomaly signal(s)");
    }

    [Test]
    public async Task A_degraded_incident_publish_slo_raises_the_event()
    {
        // SLO gate case A (defaults): critical via dead_letter_rate_far_above_threshold.
        await Db.AddTenantAsync("acme");
        await AddPublishJobsAsync("succeeded", 90, Now.AddHours(-48));
        await AddPublishJobsAsync("failed", 8, Now.AddHours(-48));
        await AddPublishJobsAsync("dead_letter", 2, Now.AddHours(-48));
        await AddPublishJobsAsync("succeeded", 30, Now.AddHours(-2));
        await AddPublishJobsAsync("failed", 6, Now.AddHours(-2));
        await AddPublishJobsAsync("dead_letter", 4, Now.AddHours(-2));
        await Db.AddAlertRouteAsync("acme", "webhook", Receiver.Url());

        var summary = WorkerHarness.SummaryJson(await Worker.RunAsync("hosted-alert-dispatch",
            new Dictionary<string, object?> { ["tenant-id"] = "acme", ["event-types"] = AlertEventTypes.IncidentPublishSloDegraded }));

        AssertDetected(summary, "hosted-incident-publish-slo", AlertEventTypes.IncidentPublishSloDegraded, "critical",
            "tenant acme incident publish SLO degraded (2 warning / 1 critical signal(s))");
    }

    private Task AddPublishJobsAsync(string status, int count, DateTimeOffset updatedAt) =>
        Db.ExecuteAsync("""
            INSERT INTO control_incident_publish_jobs (tenant_id, run_id, source_dir, target, status, created_at, updated_at)
            SELECT 'acme', 'run-' || g, '/var/lib/aionis/incidents/run', 's3://b/p', $1, $2, $2 FROM generate_series(1, $3) g
            """, status, updatedAt, count);

    private void AssertDetected(JsonElement summary, string job, string eventType, string severity, string text)
    {
        Assert.That(JobCatalog.Default.TryGet(job, out _), Is.True, $"{job} is in the catalog");
        var detected = summary.GetProperty("events_detected");
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("events_not_evaluated").GetArrayLength(), Is.EqualTo(0));
            Assert.That(detected.GetArrayLength(), Is.EqualTo(1));
            Assert.That(detected[0].GetProperty("event_type").GetString(), Is.EqualTo(eventType));
            Assert.That(detected[0].GetProperty("severity").GetString(), Is.EqualTo(severity));
            Assert.That(detected[0].GetProperty("summary").GetString(), Is.EqualTo(text));
            Assert.That(Receiver.Requests, Has.Count.EqualTo(1));
        });
    }
}
