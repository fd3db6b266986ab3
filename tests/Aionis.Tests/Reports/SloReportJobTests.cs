using System.Text.Json;
using Aionis.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Aionis.Tests.Reports;

/// <summary>slo-report: a November of telemetry, publish jobs and nightly backups, every SLO's budget worked out by hand.</summary>
public sealed class SloReportJobTests : DatabaseJobTest
{
    protected override DateTimeOffset Now => new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Nov(int day, int hour = 12) => new(2026, 11, day, hour, 0, 0, TimeSpan.Zero);

    private string OutDir => Path.Combine(Worker.ArtifactsRoot, "slo");

    private async Task<(int ExitCode, JsonElement Summary)> ReportAsync(Dictionary<string, object?> options, bool dryRun = false)
    {
        options.TryAdd("out-dir", OutDir);
        options.TryAdd("strict", "true");
        var result = await Worker.RunAsync("slo-report", options, dryRun);
        Assert.That(result.Error is null || result.ExitCode == 2, result.Error);
        return (result.ExitCode, WorkerHarness.SummaryJson(result));
    }

    /// <summary>
    /// Availability: 10,000 recall requests on 1 Nov (2 × 500), 100 write requests on 5 Nov, 9,900 recall on 10 Nov (3 × 503):
    /// 5 bad of 20,000; the budget allows 0.05 % × 20,000 = 10, so 50 % is spent (80 % left after 1 Nov, 50 % after 10 Nov).
    /// Latency ≤ 150 ms: recall never slower (0 of 19,900); write 10 of 100 at 200 ms, 5 allowed → 200 % spent, missed; its
    /// p95 = 200 ms. Publish: 999 succeeded + 1 failed, 1 allowed → 100 % spent, at risk (not over). Backups: 29 of the 30 days
    /// (15 Nov failed, a dry run that day does not count), target 100 % → budget 0, exhausted. Rows just outside November don't count.
    /// </summary>
    private async Task ArrangeNovemberAsync()
    {
        await Db.AddTelemetryAsync("t1", "recall", Nov(1), 9998);
        await Db.AddTelemetryAsync("t1", "recall", Nov(1), 2, statusCode: 500);
        await Db.AddTelemetryAsync("t1", "write", Nov(5), 90);
        await Db.AddTelemetryAsync("t1", "write", Nov(5), 10, latencyMs: 200);
        await Db.AddTelemetryAsync("t2", "recall", Nov(10), 9897);
        await Db.AddTelemetryAsync("t2", "recall", Nov(10), 3, statusCode: 503);
        await Db.AddTelemetryAsync("t1", "recall", new DateTimeOffset(2026, 10, 31, 23, 59, 0, TimeSpan.Zero), 100, statusCode: 500, latencyMs: 900);
        await Db.AddTelemetryAsync("t1", "recall", new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.Zero), 100, statusCode: 500, latencyMs: 900);
        await Db.AddFinishedPublishJobsAsync("t1", "succeeded", 999, Nov(20));
        await Db.AddFinishedPublishJobsAsync("t1", "failed", 1, Nov(21));
        await Db.AddFinishedPublishJobsAsync("t1", "pending", 5, Nov(21));
        await Db.AddFinishedPublishJobsAsync("t1", "dead_letter", 7, new DateTimeOffset(2026, 10, 30, 0, 0, 0, TimeSpan.Zero));
        for (var day = 1; day <= 30; day++)
        {
            await Db.AddRunAsync("backup-create", day == 15 ? "failed" : "succeeded", Nov(day, 2), "database_backup_nightly");
        }
        await Db.AddRunAsync("backup-create", "succeeded", Nov(15, 9), "database_backup_nightly", dryRun: true);
    }

    private static Dictionary<string, JsonElement> Slos(JsonElement summary) =>
        summary.GetProperty("slos").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);

    [Test]
    public async Task A_month_gives_each_slo_its_hand_computed_measure_budget_and_burn_down()
    {
        await ArrangeNovemberAsync();

        var (exit, s) = await ReportAsync(new() { ["month"] = "2026-11" });
        var slos = Slos(s);
        var availability = slos["api_availability"];
        var write = slos["api_latency_p95:write"];

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2), "two SLOs are missed");
            Assert.That(s.GetProperty("window").GetProperty("from").GetString(), Is.EqualTo("2026-11-01T00:00:00.000Z"));
            Assert.That(s.GetProperty("window").GetProperty("to").GetString(), Is.EqualTo("2026-12-01T00:00:00.000Z"));
            Assert.That(slos.Keys, Is.EqualTo(new[] { "api_availability", "api_latency_p95:recall", "api_latency_p95:write", "evidence_export_success", "backup_success" }));

            Assert.That((availability.GetProperty("good").GetInt64(), availability.GetProperty("total").GetInt64(), availability.GetProperty("bad").GetInt64()),
                Is.EqualTo((19995L, 20000L, 5L)));
            Assert.That(availability.GetProperty("measured").GetDouble(), Is.EqualTo(0.99975));
            Assert.That(availability.GetProperty("allowed_bad").GetDouble(), Is.EqualTo(10));
            Assert.That(availability.GetProperty("budget_spent").GetDouble(), Is.EqualTo(0.5));
            Assert.That(availability.GetProperty("status").GetString(), Is.EqualTo("pass"));
            Assert.That(availability.GetProperty("reason").GetString(), Is.EqualTo("99.975 % (target 99.95 %): 5 bad of 20,000, 50 % of the budget (10) spent"));
            var left = availability.GetProperty("daily").EnumerateArray().Select(d => d.GetProperty("budget_remaining").GetDouble()).ToList();
            Assert.That(left.Count, Is.EqualTo(30));
            Assert.That((left[0], left[8], left[9], left[29]), Is.EqualTo((0.8, 0.8, 0.5, 0.5)));

            Assert.That(slos["api_latency_p95:recall"].GetProperty("budget_spent").GetDouble(), Is.EqualTo(0));
            Assert.That(slos["api_latency_p95:recall"].GetProperty("total").GetInt64(), Is.EqualTo(19900));
            Assert.That(slos["api_latency_p95:recall"].GetProperty("p95_ms").GetDouble(), Is.EqualTo(100));
            Assert.That((write.GetProperty("bad").GetInt64(), write.GetProperty("allowed_bad").GetDouble(), write.GetProperty("budget_spent").GetDouble()),
                Is.EqualTo((10L, 5.0, 2.0)));
            Assert.That(write.GetProperty("p95_ms").GetDouble(), Is.EqualTo(200));
            Assert.That(write.GetProperty("status").GetString(), Is.EqualTo("fail"));
            Assert.That(write.GetProperty("budget_exhausted").GetBoolean(), Is.True);

            var publish = slos["evidence_export_success"];
            Assert.That((publish.GetProperty("good").GetInt64(), publish.GetProperty("total").GetInt64()), Is.EqualTo((999L, 1000L)), "pending and October's are not counted");
            Assert.That(publish.GetProperty("budget_spent").GetDouble(), Is.EqualTo(1));
            Assert.That(publish.GetProperty("status").GetString(), Is.EqualTo("warn"), "all of the budget spent, none beyond");

            var backup = slos["backup_success"];
            Assert.That((backup.GetProperty("good").GetInt64(), backup.GetProperty("total").GetInt64()), Is.EqualTo((29L, 30L)));
            Assert.That(backup.GetProperty("budget_spent").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(backup.GetProperty("status").GetString(), Is.EqualTo("fail"));
            Assert.That(backup.GetProperty("reason").GetString(), Is.EqualTo("96.667 % (target 100 %): 1 bad of 30, budget of 0 exhausted"));
            var tally = s.GetProperty("tally");
            Assert.That((tally.GetProperty("pass").GetInt32(), tally.GetProperty("warn").GetInt32(), tally.GetProperty("fail").GetInt32()), Is.EqualTo((2, 1, 2)));
        });

        var markdown = await File.ReadAllTextAsync(Path.Combine(OutDir, "slo-2026-11.md"));
        var svg = await File.ReadAllTextAsync(Path.Combine(OutDir, "slo-2026-11-budget.svg"));
        Assert.Multiple(() =>
        {
            Assert.That(markdown, Does.Contain("**TARGET MISSED — 2 missed · 1 at risk · 2 met**"));
            Assert.That(markdown, Does.Contain("![Error budget left per day](slo-2026-11-budget.svg)"));
            Assert.That(markdown, Does.Contain("| ❌ fail | api_latency_p95:write — p95 latency under 150 ms, per endpoint | 95 % | 90 % | 10 / 100 | 200 % | 200 ms |"));
            Assert.That(svg, Does.StartWith("<svg ").And.Contain("Error budget left, 2026-11").And.Contain("api_availability 10 Nov: 50%"));
        });
    }

    [Test]
    public async Task A_window_of_days_counts_only_the_whole_days_a_nightly_task_was_due()
    {
        await ArrangeNovemberAsync();

        var (exit, s) = await ReportAsync(new() { ["window-days"] = "7" });
        var backup = Slos(s)["backup_success"];

        Assert.Multiple(() =>
        {
            Assert.That(s.GetProperty("window").GetProperty("label").GetString(), Is.EqualTo("last 7 days"));
            Assert.That(s.GetProperty("window").GetProperty("from").GetString(), Is.EqualTo("2026-11-24T06:00:00.000Z"));
            Assert.That((backup.GetProperty("good").GetInt64(), backup.GetProperty("total").GetInt64()), Is.EqualTo((6L, 6L)), "25–30 Nov; not the 24th (partial) nor 1 Dec");
            Assert.That(backup.GetProperty("status").GetString(), Is.EqualTo("pass"));
            Assert.That(Slos(s)["api_availability"].GetProperty("status").GetString(), Is.EqualTo("fail"), "1 Dec's 100 errors of 100 requests");
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(File.Exists(Path.Combine(OutDir, "slo-7d-2026-12-01.md")), Is.True);
        });
    }

    [Test]
    public async Task Last_month_on_the_first_is_the_month_before_and_a_dry_run_changes_nothing()
    {
        await ArrangeNovemberAsync();
        var controlPlane = await Db.ControlPlaneFingerprintAsync();
        var worker = await Db.WorkerFingerprintAsync();

        var (_, s) = await ReportAsync(new() { ["month"] = "last" }, dryRun: true);

        Assert.Multiple(async () =>
        {
            Assert.That(s.GetProperty("window").GetProperty("label").GetString(), Is.EqualTo("2026-11"));
            Assert.That(s.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(await Db.ControlPlaneFingerprintAsync(), Is.EqualTo(controlPlane));
            Assert.That(await Db.WorkerFingerprintAsync(), Is.EqualTo(worker));
            Assert.That(Directory.Exists(OutDir), Is.False);
            Assert.That(Directory.GetFiles(OutDir + ".dry-run").Select(Path.GetFileName).Order(),
                Is.EqualTo(new[] { "slo-2026-11-budget.svg", "slo-2026-11.json", "slo-2026-11.md" }));
        });
    }

    [Test]
    public async Task An_slo_file_of_its_own_is_measured_and_a_bad_one_is_refused_at_start_naming_file_line_and_field()
    {
        var good = Path.Combine(Worker.ArtifactsRoot, "slo.yml");
        await File.WriteAllTextAsync(good, """
            version: 1
            slos:
              - id: retention_runs
                kind: task_success
                task: telemetry_retention
                target: 50
            """);
        await Db.AddRunAsync("hosted-telemetry-retention", "succeeded", Nov(3), "telemetry_retention");
        await Db.AddRunAsync("hosted-telemetry-retention", "gate_failed", Nov(4), "telemetry_retention");
        await Db.AddRunAsync("hosted-telemetry-retention", "failed", Nov(5), "telemetry_retention");
        await using var own = new WorkerHarness(Db, new Dictionary<string, string?> { ["Reports:SloFile"] = good }, Clock);
        var result = await own.RunAsync("slo-report", new Dictionary<string, object?> { ["month"] = "2026-11", ["out-dir"] = OutDir });
        var slo = WorkerHarness.SummaryJson(result).GetProperty("slos").EnumerateArray().Single();

        var bad = Path.Combine(Worker.ArtifactsRoot, "bad.yml");
        await File.WriteAllTextAsync(bad, "version: 1\nslos:\n  - id: x\n    kind: latency\n    target: 101\n");
        var problems = Aionis.Jobs.Framework.Settings.Problems<Aionis.Jobs.Reports.ReportsSettings>(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Reports:SloFile"] = bad }).Build());

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That((slo.GetProperty("id").GetString(), slo.GetProperty("good").GetInt64(), slo.GetProperty("total").GetInt64()), Is.EqualTo(("retention_runs", 1L, 3L)));
            Assert.That(slo.GetProperty("status").GetString(), Is.EqualTo("fail"), "33 % of a 50 % target");
            Assert.That(problems, Is.EqualTo(new[]
            {
                $"Reports:SloFile: {bad}:5:13: slos[0].target: '101': expected a number above 0 up to 100",
                $"Reports:SloFile: {bad}:3:5: slos[0].threshold_ms: '': expected a number above 0 up to 600000",
            }));
        });
    }

    [TestCase("month", "2026-13")]
    [TestCase("month", "November")]
    [TestCase("window-days", "0")]
    public void A_bad_window_is_refused_naming_the_option(string option, string value)
    {
        var e = Assert.Throws<Aionis.Jobs.Framework.OptionBindingException>(() => Aionis.Jobs.Framework.OptionBinder.Bind(
            Aionis.Jobs.Framework.JobCatalog.Default.Get("slo-report"), new Dictionary<string, object?> { [option] = value }, _ => null));
        Assert.That(e!.Message, Does.Contain(option).And.Contain(value));
    }
}
