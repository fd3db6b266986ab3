using System.Text.Json;
using Aionis.Jobs.Alerts;
using Aionis.Jobs.Framework;
using Aionis.Jobs.Telemetry;
using Aionis.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Aionis.Tests.Alerts;

/// <summary>
/// key_usage_anomaly and incident_publish_slo_degraded come from their own jobs, run by name from the catalog. While a
/// job is not in the catalog its event is reported as not evaluated; once it is, the seeded rows below raise the event.
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
    public async Task A_key_usage_spike_raises_key_usage_anomaly_or_is_reported_not_evaluated()
    {
        // Reference §12: baseline 1440 requests over 144 h → expected 240 in 24 h; 480 recent requests is a 2.0 spike.
        await Db.AddTenantAsync("acme");
        await Db.AddTelemetryAsync("acme", "write", Now.AddHours(-100), 1440, keyPrefix: "ak_live_spiky");
        await Db.AddTelemetryAsync("acme", "write", Now.AddHours(-2), 480, keyPrefix: "ak_live_spiky");
        await Db.AddAlertRouteAsync("acme", "webhook", Receiver.Url());

        var summary = WorkerHarness.SummaryJson(await Worker.RunAsync("hosted-alert-dispatch",
            new Dictionary<string, object?> { ["tenant-id"] = "acme", ["event-types"] = AlertEventTypes.KeyUsageAnomaly }));

        AssertDetectedOrNotEvaluated(summary, "hosted-key-usage-anomaly", AlertEventTypes.KeyUsageAnomaly, "warning",
            "tenant acme has 1 key-usage anomaly signal(s)");
    }

    [Test]
    public async Task A_degraded_incident_publish_slo_raises_the_event_or_is_reported_not_evaluated()
    {
        // Reference §12 SLO case A: critical via dead_letter_rate_far_above_threshold.
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

        AssertDetectedOrNotEvaluated(summary, "hosted-incident-publish-slo", AlertEventTypes.IncidentPublishSloDegraded, "critical",
            "tenant acme incident publish SLO degraded (2 warning / 1 critical signal(s))");
    }

    private Task AddPublishJobsAsync(string status, int count, DateTimeOffset updatedAt) =>
        Db.ExecuteAsync("""
            INSERT INTO control_incident_publish_jobs (tenant_id, run_id, source_dir, target, status, created_at, updated_at)
            SELECT 'acme', 'run-' || g, '/var/lib/aionis/incidents/run', 's3://b/p', $1, $2, $2 FROM generate_series(1, $3) g
            """, status, updatedAt, count);

    /// <summary>Re-check after the key-usage and SLO jobs are merged: the first branch is the one that must then hold.</summary>
    private void AssertDetectedOrNotEvaluated(JsonElement summary, string job, string eventType, string severity, string text)
    {
        if (JobCatalog.Default.TryGet(job, out _))
        {
            var detected = summary.GetProperty("events_detected");
            Assert.Multiple(() =>
            {
                Assert.That(summary.GetProperty("events_not_evaluated").GetArrayLength(), Is.EqualTo(0));
                Assert.That(detected[0].GetProperty("event_type").GetString(), Is.EqualTo(eventType));
                Assert.That(detected[0].GetProperty("severity").GetString(), Is.EqualTo(severity));
                Assert.That(detected[0].GetProperty("summary").GetString(), Is.EqualTo(text));
                Assert.That(Receiver.Requests, Has.Count.EqualTo(1));
            });
        }
        else
        {
            var missing = summary.GetProperty("events_not_evaluated");
            Assert.Multiple(() =>
            {
                Assert.That(missing[0].GetProperty("event_type").GetString(), Is.EqualTo(eventType));
                Assert.That(missing[0].GetProperty("reason").GetString(), Is.EqualTo("job_not_available"));
                Assert.That(summary.GetProperty("events_detected").GetArrayLength(), Is.EqualTo(0));
                Assert.That(Receiver.Requests, Is.Empty);
            });
        }
    }
}
