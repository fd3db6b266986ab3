using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.Reports;

/// <summary>ops-daily-checklist: a fixed night and day of history, telemetry and incidents, every verdict and number worked out by hand.</summary>
public sealed class OpsChecklistJobTests : DatabaseJobTest
{
    protected override DateTimeOffset Now => new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.Zero);

    private string OutDir => Path.Combine(Worker.ArtifactsRoot, "checklists");

    private async Task<(int ExitCode, JsonElement Summary, string Markdown)> RunAsync(string shift, Dictionary<string, object?>? extra = null, bool dryRun = false)
    {
        var options = new Dictionary<string, object?> { ["shift"] = shift, ["out-dir"] = OutDir, ["strict"] = "true" };
        foreach (var (k, v) in extra ?? []) options[k] = v;
        var result = await Worker.RunAsync("ops-daily-checklist", options, dryRun);
        Assert.That(result.ExitCode, Is.AnyOf(0, 2), result.Error);
        var dir = dryRun ? OutDir + ".dry-run" : OutDir;
        return (result.ExitCode, WorkerHarness.SummaryJson(result), await File.ReadAllTextAsync(Path.Combine(dir, $"{shift}.md")));
    }

    private static Dictionary<string, (string Status, double? Value, string Reason)> Checks(JsonElement summary) =>
        summary.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => (
            c.GetProperty("status").GetString()!,
            c.GetProperty("value").ValueKind == JsonValueKind.Null ? (double?)null : c.GetProperty("value").GetDouble(),
            c.GetProperty("reason").GetString()!));

    /// <summary>
    /// The night from the evening checklist of 29 Nov 18:00 to 30 Nov 08:00. node-b went silent 10 min ago; nightly_x was due at
    /// 07:00; the backup succeeded at 02:30 (1 MiB); the last drill failed two days ago; alerts: a warning opened at 20:00 and
    /// still open, a critical opened and resolved at 22:00–23:00, a critical of the afternoon before (outside the window).
    /// Telemetry of the last 12 h: recall 93×200 at 100 ms + 2×500 at 100 ms + 5×200 at 300 ms, write 99×200 + 1×503 at 100 ms:
    /// 3 errors of 200 = 1.5 %; recall p95 = 100 + 0.05 × 200 = 110 ms (percentile_cont at 94.05 of 0..99). 50 errors at 19:00
    /// are older than 12 h. Runs since 18:00: the checklist itself, the backup (succeeded), key_rotation_sla failed at 06:00.
    /// </summary>
    private async Task ArrangeNightAsync()
    {
        await Db.AddNodeCheckinAsync("node-a", Now.AddSeconds(-5));
        await Db.AddNodeCheckinAsync("node-b", Now.AddMinutes(-10));
        await Db.AddRegistryTriggerAsync("nightly_x", At(30, 7));
        await Db.AddRegistryTriggerAsync("hourly_y", At(30, 8, 30));
        await Db.AddRegistryTriggerAsync("paused_z", At(30, 1), state: "PAUSED");
        await Db.AddRunAsync("ops-daily-checklist", "succeeded", At(29, 18), "ops_checklist_evening", inputs: """{"shift":"evening"}""");
        await Db.AddRunAsync("ops-daily-checklist", "succeeded", At(29, 8), "ops_checklist_morning", inputs: """{"shift":"morning"}""");
        await Db.AddRunAsync("backup-create", "succeeded", At(30, 2, 30), "database_backup_nightly", summary: """{"dump_size_bytes": 1048576}""");
        await Db.AddRunAsync("backup-create", "failed", At(30, 3), "database_backup_nightly", dryRun: true, error: "dry runs do not count");
        await Db.AddRunAsync("backup-drill", "failed", At(28, 8), "database_restore_drill_weekly", error: "restored row counts differ");
        await Db.AddRunAsync("hosted-key-rotation-sla", "failed", At(30, 6), "key_rotation_sla", error: "boom");
        await Db.AddOperatorAlertAsync("alert_dispatch", "failure", "warning", At(29, 20));
        await Db.AddOperatorAlertAsync("telemetry_retention", "failure", "critical", At(29, 22), resolvedAt: At(29, 23));
        await Db.AddOperatorAlertAsync("backup", "failure", "critical", At(29, 10), resolvedAt: At(29, 12));
        await Db.AddTelemetryAsync("t1", "recall", At(30, 3), 93);
        await Db.AddTelemetryAsync("t1", "recall", At(30, 3), 2, statusCode: 500);
        await Db.AddTelemetryAsync("t2", "recall", At(30, 3), 5, latencyMs: 300);
        await Db.AddTelemetryAsync("t1", "write", At(30, 4), 99);
        await Db.AddTelemetryAsync("t1", "write", At(30, 4), 1, statusCode: 503);
        await Db.AddTelemetryAsync("t1", "write", At(29, 19), 50, statusCode: 500);
        await Db.AddPauseAsync("incident_retention", "disk migration", At(30, 7));
        await Db.AddPauseAsync("old_pause", "resumed long ago", At(20, 7), resumedAt: At(21, 7));
        await Db.AddFinishedPublishJobsAsync("t1", "dead_letter", 3, At(29, 5));
        await Db.AddFinishedPublishJobsAsync("t1", "succeeded", 4, At(29, 5));
        await Db.AddIncidentAsync("api", "http_5xx", "P1", At(30, 5));
        await Db.AddIncidentAsync("db", "disk_full", "P0", At(29, 1), resolvedAt: At(29, 3));
    }

    [Test]
    public async Task The_morning_checklist_judges_every_check_with_the_hand_computed_numbers()
    {
        await ArrangeNightAsync();

        var (exit, s, markdown) = await RunAsync("morning");
        var checks = Checks(s);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2), "strict and four checks fail");
            Assert.That(s.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(s.GetProperty("window_from").GetString(), Is.EqualTo("2026-11-29T18:00:00.000Z"), "since the last evening checklist");
            Assert.That(checks["nodes_checked_in"], Is.EqualTo(("warn", (double?)1, "1 of 2 checked in; silent: node-b (last 0.2 h ago)")));
            Assert.That(checks["tasks_overdue"], Is.EqualTo(("fail", (double?)1, "1 overdue: nightly_x (due 2026-11-30 07:00)")),
                "hourly_y is due later, paused_z is paused");
            Assert.That(checks["backup_last_night"], Is.EqualTo(("pass", (double?)5.5, "succeeded 5.5 h ago, dump 1 MiB")), "the dry run at 03:00 does not count");
            Assert.That(checks["restore_drill"], Is.EqualTo(("fail", (double?)2, "the last drill failed 2 d ago: restored row counts differ")));
            Assert.That(checks["operator_alerts"], Is.EqualTo(("warn", (double?)2,
                "2 opened since the evening checklist of 2026-11-29 18:00; open: 1 warning")));
            Assert.That(checks["error_rate"], Is.EqualTo(("fail", (double?)0.015, "3 server errors of 200 requests (1.5 %, last 12 h; limit 1 %)")));
            Assert.That(checks["p95_latency"], Is.EqualTo(("pass", (double?)110, "every endpoint ≤ 150 ms; worst recall 110 ms (last 12 h)")));
            Assert.That(checks["runs_overnight"], Is.EqualTo(("fail", (double?)1, "3 runs since the evening checklist of 2026-11-29 18:00: 1 failed, 2 succeeded")));
            Assert.That(checks["tasks_paused"], Is.EqualTo(("warn", (double?)1, "incident_retention: disk migration")));
            Assert.That(checks["publish_dead_letter"], Is.EqualTo(("warn", (double?)3, "3 publish job(s) in dead_letter (replay them; more than 20 fails)")));
            Assert.That(checks["open_p0_p1_incidents"], Is.EqualTo(("warn", (double?)1, "open now: 0 P0, 1 P1, 0 P2, 0 P3")), "the P0 was resolved");
            var tally = s.GetProperty("tally");
            Assert.That((tally.GetProperty("pass").GetInt32(), tally.GetProperty("warn").GetInt32(), tally.GetProperty("fail").GetInt32()), Is.EqualTo((2, 5, 4)));
            Assert.That(markdown, Does.Contain("**NOT OK — 4 fail · 5 warn · 2 pass**"));
            Assert.That(markdown, Does.Contain("| ❌ fail | error_rate | 0.015 | 3 server errors of 200 requests (1.5 %, last 12 h; limit 1 %) |"));
            Assert.That(markdown, Does.Contain("| recall | 100 | 2 | 2 % | 110 ms |"));
        });
    }

    [Test]
    public async Task A_clean_night_passes_and_a_tighter_latency_limit_fails_the_slow_endpoint()
    {
        await Db.AddNodeCheckinAsync("node-a", Now.AddSeconds(-5));
        await Db.AddRunAsync("backup-create", "succeeded", At(30, 2, 30), summary: """{"dump_size_bytes": 2048}""");
        await Db.AddRunAsync("pitr-restore-drill", "succeeded", At(29, 4));
        await Db.AddTelemetryAsync("t1", "recall", At(30, 3), 95);
        await Db.AddTelemetryAsync("t1", "recall", At(30, 3), 5, latencyMs: 300);

        var (clean, s, _) = await RunAsync("morning");
        var (tight, t, _) = await RunAsync("morning", new() { ["max-p95-ms"] = "105" });

        Assert.Multiple(() =>
        {
            Assert.That(clean, Is.EqualTo(0));
            Assert.That(Checks(s).Values.Select(c => c.Status), Is.All.EqualTo("pass"));
            Assert.That(Checks(s)["restore_drill"].Reason, Is.EqualTo("the last drill succeeded 1.17 d ago"));
            Assert.That(Checks(s)["operator_alerts"].Reason, Is.EqualTo("0 opened since the last 14 h (no evening checklist yet); open: none"));
            Assert.That(tight, Is.EqualTo(2));
            Assert.That(Checks(t)["p95_latency"], Is.EqualTo(("fail", (double?)110, "over 105 ms: recall 110 ms (last 12 h)")));
        });
    }

    [Test]
    public async Task The_evening_checklist_reports_the_day_the_database_growth_free_space_and_the_handoff()
    {
        Clock.SetUtcNow(At(30, 18));
        await Db.AddTelemetryAsync("t1", "recall", At(30, 10, 15), 30, latencyMs: 40);
        await Db.AddTelemetryAsync("t1", "write", At(30, 14, 5), 50, latencyMs: 80);
        await Db.AddTelemetryAsync("t1", "write", At(29, 14, 5), 500, statusCode: 500);
        await Db.AddRunAsync("ops-daily-checklist", "succeeded", At(23, 18), inputs: """{"shift":"evening"}""", summary: """{"database_size_bytes": 1000}""");
        await Db.AddRunAsync("ops-daily-checklist", "succeeded", At(25, 18), inputs: """{"shift":"evening"}""", summary: """{"database_size_bytes": 5000}""");
        await Db.AddRunAsync("hosted-key-rotation-sla", "gate_failed", At(30, 6), error: "2 stale keys");
        var open = await Db.AddIncidentAsync("api", "latency", "P2", At(30, 9));
        await Db.AddIncidentAsync("api", "http_5xx", "P3", At(30, 11), resolvedAt: At(30, 12));
        await Db.AddFollowupAsync(open.Id, 1, At(30, 9), dueAt: At(30, 23));
        await Db.AddFollowupAsync(open.Id, 2, At(30, 9), dueAt: At(30, 9).AddDays(3));
        await Db.AddPauseAsync("incident_retention", "disk migration", At(30, 7), until: At(30, 7).AddDays(1));

        var (exit, s, markdown) = await RunAsync("evening", new() { ["min-free-percent"] = "0" });
        var checks = Checks(s);
        var db = s.GetProperty("details").GetProperty("database");
        var handoff = s.GetProperty("details").GetProperty("handoff");

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(0), "warnings do not fail");
            Assert.That(s.GetProperty("window_from").GetString(), Is.EqualTo("2026-11-30T00:00:00.000Z"));
            Assert.That(checks["error_rate"], Is.EqualTo(("pass", (double?)0, "0 server errors of 80 requests (0 %, today since 00:00 UTC; limit 1 %)")),
                "yesterday's 500 errors are not today's");
            Assert.That(checks["p95_latency"], Is.EqualTo(("pass", (double?)80, "every endpoint ≤ 150 ms; worst write 80 ms (today since 00:00 UTC)")));
            Assert.That(checks["peak_hour"], Is.EqualTo(("pass", (double?)50, "14:00–15:00 UTC with 50 requests")));
            Assert.That(checks["runs_today"], Is.EqualTo(("warn", (double?)1, "1 runs today since 00:00 UTC: 1 gate_failed")));
            Assert.That(checks["incidents_today"], Is.EqualTo(("pass", (double?)2, "2 opened, 1 resolved today")));
            Assert.That(checks["database_size"].Status, Is.EqualTo("warn"), "grown from 1000 bytes");
            Assert.That(db.GetProperty("size_bytes_7d_ago").GetInt64(), Is.EqualTo(1000), "the figure of 23 Nov, not the newer one of 25 Nov");
            Assert.That(db.GetProperty("measured_7d_ago_at").GetString(), Is.EqualTo("2026-11-23T18:00:00.000Z"));
            Assert.That(s.GetProperty("database_size_bytes").GetInt64(), Is.EqualTo(db.GetProperty("size_bytes").GetInt64()));
            Assert.That(db.GetProperty("biggest_tables").GetArrayLength(), Is.EqualTo(5));
            Assert.That(checks["free_space"].Status, Is.EqualTo("pass"));
            Assert.That(s.GetProperty("details").GetProperty("free_space").EnumerateArray().Select(f => f.GetProperty("location").GetString()),
                Is.EqualTo(new[] { "artifacts", "backups", "spool" }));
            Assert.That(checks["handoff"], Is.EqualTo(("pass", (double?)3, "1 open incident(s), 1 follow-up(s) due in 24 h, 1 paused task(s)")));
            Assert.That(handoff.GetProperty("followups_due_24h").EnumerateArray().Single().GetProperty("seq").GetInt32(), Is.EqualTo(1));
            Assert.That(markdown, Does.Contain("## Hand-off").And.Contain($"- P2 `{open.Id}` api latency (open since 2026-11-30 09:00)"));
            Assert.That(markdown, Does.Contain("- `incident_retention`: disk migration (by ops@host, until 2026-12-01 07:00)"));
        });

        var (full, f, _) = await RunAsync("evening", new() { ["min-free-percent"] = "100" });
        Assert.Multiple(() =>
        {
            Assert.That(full, Is.EqualTo(2));
            Assert.That(Checks(f)["free_space"].Status, Is.EqualTo("fail"), "no file system here is 100 % free");
        });
    }

    [Test]
    public async Task A_dry_run_reads_everything_changes_nothing_and_writes_only_its_dry_run_folder()
    {
        await ArrangeNightAsync();
        var controlPlane = await Db.ControlPlaneFingerprintAsync();
        var worker = await Db.WorkerFingerprintAsync();

        var (exit, s, markdown) = await RunAsync("morning", dryRun: true);

        Assert.Multiple(async () =>
        {
            Assert.That(exit, Is.EqualTo(2), "the same verdict as a live run");
            Assert.That(s.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(markdown, Does.Contain("· dry run"));
            Assert.That(await Db.ControlPlaneFingerprintAsync(), Is.EqualTo(controlPlane));
            Assert.That(await Db.WorkerFingerprintAsync(), Is.EqualTo(worker));
            Assert.That(Directory.Exists(OutDir), Is.False, "the live folder is not written");
            Assert.That(Directory.GetFiles(OutDir + ".dry-run").Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "morning.json", "morning.md" }));
        });
    }

    [TestCase("shift", "noon")]
    [TestCase("max-error-rate", "2")]
    [TestCase("max-p95-ms", "0")]
    public void A_bad_option_is_refused_naming_it(string option, string value)
    {
        var e = Assert.Throws<Aionis.Jobs.Framework.OptionBindingException>(() => Aionis.Jobs.Framework.OptionBinder.Bind(
            Aionis.Jobs.Framework.JobCatalog.Default.Get("ops-daily-checklist"),
            new Dictionary<string, object?> { ["shift"] = "morning", [option] = value }, _ => null));
        Assert.That(e!.Message, Does.Contain(option).And.Contain(value));
    }
}
