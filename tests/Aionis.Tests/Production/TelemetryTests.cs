using System.Diagnostics;
using Aionis.Jobs.Publishing;
using Aionis.Tests.Support;
using Aionis.Worker.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Aionis.Tests.Production;

/// <summary>
/// What an OpenTelemetry pipeline configured like serve's sees for a run (docs/operations.md). Listeners see every run in the
/// process, and other fixtures run jobs in parallel: each test picks out its own run by run id and a task id of its own.
/// </summary>
public sealed class TelemetryTests
{
    [Test]
    public async Task A_run_yields_a_span_with_its_attributes_database_child_spans_and_run_metrics()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.AddKeyAsync("acme", "ak_live_stale", DateTimeOffset.UtcNow.AddDays(-40));
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddWorkerSources().AddInMemoryExporter(spans).Build();
        using var meters = Sdk.CreateMeterProviderBuilder().AddWorkerMeters().AddInMemoryExporter(metrics).Build();
        await using var harness = new WorkerHarness(db);

        var task = "key_rotation_sla_" + Guid.NewGuid().ToString("N")[..8];
        var result = await harness.RunAsync("hosted-key-rotation-sla", new Dictionary<string, object?> { ["strict"] = true }, taskId: task);
        tracing.ForceFlush();
        meters.ForceFlush();

        var run = spans.Single(s => (string?)s.GetTagItem("aionis.run_id") == result.RunId.ToString());
        var traceId = await db.ScalarAsync<string>("SELECT trace_id FROM worker.job_runs WHERE run_id = $1", result.RunId);
        var runs = Points(metrics, "aionis.job.runs").Single(p => Tag(p, "task") == task);
        var duration = Points(metrics, "aionis.job.duration").Single(p => Tag(p, "task") == task);
        Assert.Multiple(() =>
        {
            Assert.That(run.DisplayName, Is.EqualTo($"job {task}"));
            Assert.That(run.GetTagItem("aionis.task"), Is.EqualTo(task));
            Assert.That(run.GetTagItem("aionis.job"), Is.EqualTo("hosted-key-rotation-sla"));
            Assert.That(run.GetTagItem("aionis.dry_run"), Is.EqualTo(false));
            Assert.That(run.GetTagItem("aionis.status"), Is.EqualTo("gate_failed"));
            Assert.That(traceId, Is.EqualTo(run.TraceId.ToString()), "history links the run to its trace");
            Assert.That(spans.Where(s => s.Source.Name == "Npgsql" && s.ParentSpanId == run.SpanId), Is.Not.Empty, "Npgsql spans inside the run");
            Assert.That(runs.GetSumLong(), Is.EqualTo(1));
            Assert.That(Tag(runs, "job"), Is.EqualTo("hosted-key-rotation-sla"));
            Assert.That(Tag(runs, "status"), Is.EqualTo("gate_failed"));
            Assert.That(duration.GetHistogramCount(), Is.EqualTo(1));
            Assert.That(metrics.Single(m => m.Name == "aionis.job.duration").Unit, Is.EqualTo("s"));
        });
    }

    [Test]
    public async Task The_publish_queue_gauges_report_open_jobs_and_dead_letters()
    {
        await using var db = await TestDatabase.CreateAsync();
        var at = DateTimeOffset.UtcNow;
        await db.AddPublishJobAsync("acme", "run-1", "/bundles/run-1", "s3://b/p", at);
        await db.AddPublishJobAsync("acme", "run-2", "/bundles/run-2", "s3://b/p", at, status: "failed", attempts: 1);
        await db.AddFinishedPublishJobsAsync("acme", "dead_letter", 3, at);
        await db.AddFinishedPublishJobsAsync("acme", "succeeded", 4, at);
        var metrics = new List<MetricSnapshot>();
        using var meters = Sdk.CreateMeterProviderBuilder().AddWorkerMeters().AddInMemoryExporter(metrics).Build();

        await new PublishQueueSampler(new PublishQueue(db.DataSource), NullLogger<PublishQueueSampler>.Instance).SampleAsync(CancellationToken.None);
        meters.ForceFlush();

        Assert.Multiple(() =>
        {
            Assert.That(Points(metrics, "aionis.publish.queue.depth").Single().GetGaugeLastValueLong(), Is.EqualTo(2));
            Assert.That(Points(metrics, "aionis.publish.dead_letter.depth").Single().GetGaugeLastValueLong(), Is.EqualTo(3));
        });
    }

    private static List<MetricPoint> Points(IEnumerable<MetricSnapshot> metrics, string name) =>
        metrics.Where(m => m.Name == name).SelectMany(m => m.MetricPoints).ToList();

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key) return tag.Value?.ToString();
        }
        return null;
    }
}
