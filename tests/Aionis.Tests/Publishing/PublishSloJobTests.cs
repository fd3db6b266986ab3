using Aionis.Jobs.Publishing;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Publishing;

/// <summary>The adaptive publish SLO gate (docs/jobs/publishing.md) and its cases A, B and C (defaults), from rows in Postgres.</summary>
public sealed class PublishSloJobTests : DatabaseJobTest
{
    private static readonly DateTimeOffset Fixed = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset InCurrent = Fixed.AddHours(-2);
    private static readonly DateTimeOffset InBaseline = Fixed.AddHours(-48);

    protected override DateTimeOffset Now => Fixed;

    [Test]
    public async Task Case_A_adaptive_thresholds_give_two_warnings_and_a_critical_dead_letter_rate()
    {
        await Db.AddFinishedPublishJobsAsync("acme", "succeeded", 90, InBaseline);
        await Db.AddFinishedPublishJobsAsync("acme", "failed", 8, InBaseline);
        await Db.AddFinishedPublishJobsAsync("acme", "dead_letter", 2, InBaseline);
        await Db.AddFinishedPublishJobsAsync("acme", "succeeded", 30, InCurrent);
        await Db.AddFinishedPublishJobsAsync("acme", "failed", 6, InCurrent);
        await Db.AddFinishedPublishJobsAsync("acme", "dead_letter", 4, InCurrent);
        await Db.AddFinishedPublishJobsAsync("acme", "succeeded", 5, Now.AddHours(-200));

        var result = await RunAsync(strict: true);
        var summary = WorkerHarness.SummaryJson(result);
        var report = summary.GetProperty("report");

        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("thresholds").GetProperty("failure_rate_threshold").GetDouble(), Is.EqualTo(0.2));
            Assert.That(report.GetProperty("thresholds").GetProperty("dead_letter_rate_threshold").GetDouble(), Is.EqualTo(0.04));
            Assert.That(report.GetProperty("metrics").GetProperty("baseline").GetProperty("total_processed").GetInt64(), Is.EqualTo(100));
            Assert.That(report.GetProperty("metrics").GetProperty("current").GetProperty("failure_rate").GetDouble(), Is.EqualTo(0.25));
            Assert.That(report.GetProperty("metrics").GetProperty("current").GetProperty("dead_letter_rate").GetDouble(), Is.EqualTo(0.1));
            Assert.That(Signals(summary, "warning_signals"), Is.EqualTo(new[] { "failure_rate_above_threshold", "dead_letter_rate_above_threshold" }));
            Assert.That(Signals(summary, "critical_signals"), Is.EqualTo(new[] { "dead_letter_rate_far_above_threshold" }));
            Assert.That(report.GetProperty("metrics").GetProperty("backlog").GetProperty("open_backlog").GetInt64(), Is.EqualTo(14));
            Assert.That(report.GetProperty("metrics").GetProperty("backlog").GetProperty("dead_letter_backlog").GetInt64(), Is.EqualTo(6));
            Assert.That(summary.GetProperty("severity").GetString(), Is.EqualTo("critical"));
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
        });
    }

    [Test]
    public async Task Case_B_a_small_baseline_falls_back_to_the_floors_and_a_small_window_raises_no_rate_signal()
    {
        await Db.AddFinishedPublishJobsAsync("acme", "succeeded", 10, InBaseline);
        await Db.AddFinishedPublishJobsAsync("acme", "dead_letter", 19, InCurrent);

        var summary = WorkerHarness.SummaryJson(await RunAsync(new() { ["dead-letter-backlog-warning-abs"] = "100", ["dead-letter-backlog-critical-abs"] = "100" }));
        var thresholds = summary.GetProperty("report").GetProperty("thresholds");

        Assert.Multiple(() =>
        {
            Assert.That(thresholds.GetProperty("failure_rate_threshold").GetDouble(), Is.EqualTo(0.05));
            Assert.That(thresholds.GetProperty("dead_letter_rate_threshold").GetDouble(), Is.EqualTo(0.02));
            Assert.That(summary.GetProperty("degraded").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.True);
        });
    }

    [TestCase(20, new string[0], new string[0])]
    [TestCase(21, new[] { "dead_letter_backlog_above_threshold" }, new string[0])]
    [TestCase(50, new[] { "dead_letter_backlog_above_threshold" }, new string[0])]
    [TestCase(51, new[] { "dead_letter_backlog_above_threshold" }, new[] { "dead_letter_backlog_critical" })]
    public async Task Case_C_dead_letter_backlog_levels(int deadLetters, string[] warnings, string[] criticals)
    {
        await Db.AddFinishedPublishJobsAsync("acme", "dead_letter", deadLetters, Now.AddDays(-30));

        var summary = WorkerHarness.SummaryJson(await RunAsync());

        Assert.Multiple(() =>
        {
            Assert.That(Signals(summary, "warning_signals"), Is.EqualTo(warnings));
            Assert.That(Signals(summary, "critical_signals"), Is.EqualTo(criticals));
        });
    }

    [Test]
    public async Task Case_C_an_open_backlog_of_201_warns()
    {
        await Db.AddFinishedPublishJobsAsync("acme", "pending", 201, Now.AddDays(-30));

        var summary = WorkerHarness.SummaryJson(await RunAsync());

        Assert.Multiple(() =>
        {
            Assert.That(Signals(summary, "warning_signals"), Is.EqualTo(new[] { "open_backlog_above_threshold" }));
            Assert.That(summary.GetProperty("severity").GetString(), Is.EqualTo("warning"));
        });
    }

    [Test]
    public async Task A_missing_queue_table_reports_schema_missing_and_fails_under_strict()
    {
        await Db.ExecuteAsync("DROP TABLE control_incident_publish_jobs");

        var result = await RunAsync(strict: true);
        var report = WorkerHarness.SummaryJson(result).GetProperty("report");

        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("warning").GetString(), Is.EqualTo("incident_publish_schema_missing"));
            Assert.That(report.GetProperty("degraded").GetBoolean(), Is.False);
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
        });
    }

    [Test]
    public void The_reader_evaluates_counted_metrics_without_a_database()
    {
        var thresholds = new PublishSloThresholds(24, 168, 20, 2, 0.05, 0.02, 200, 20, 50);

        var report = PublishSloReader.Evaluate("acme", thresholds, Now, PublishSloReader.Metrics(30, 6, 4), PublishSloReader.Metrics(90, 8, 2),
            new PublishBacklog(14, 6));

        Assert.That(report.CriticalSignals, Is.EqualTo(new[] { "dead_letter_rate_far_above_threshold" }));
    }

    private Task<Worker.Running.RunResult> RunAsync(Dictionary<string, object?>? options = null, bool strict = false)
    {
        var values = options ?? [];
        values["tenant-id"] = "acme";
        if (strict) values["strict"] = null;
        return Worker.RunAsync("hosted-incident-publish-slo", values);
    }

    private static string[] Signals(System.Text.Json.JsonElement summary, string name) =>
        summary.GetProperty(name).EnumerateArray().Select(s => s.GetString()!).ToArray();
}
