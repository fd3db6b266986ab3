using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.Reports;

/// <summary>oncall-weekly-handoff: a week (Mon 23 – Sun 29 Nov) of incidents, syncs, runs, alerts and traffic, counted by hand.</summary>
public sealed class HandoffJobTests : DatabaseJobTest
{
    protected override DateTimeOffset Now => new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Nov(int day, int hour = 12) => new(2026, 11, day, hour, 0, 0, TimeSpan.Zero);

    protected override Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(new Dictionary<string, string?>
    {
        ["Alerts:AllowInsecureTargets"] = "true",
        ["Alerts:Channels"] = """
            [{"id":"ops-slack","type":"slack_webhook","url":"http://127.0.0.1:9/slack"},
             {"id":"ops-pd","type":"pagerduty_events_v2","routingKey":"rk-secret-1","url":"http://127.0.0.1:9/pd"}]
            """,
    });

    private string OutDir => Path.Combine(Worker.ArtifactsRoot, "handoff");

    private Task AddSyncAsync(DateTimeOffset at, bool accepted, string[] added, string[] changed, string errors = "[]") =>
        Db.ExecuteAsync("""
            INSERT INTO worker.registry_syncs (at, node, registry_hash, accepted, added, changed, removed, errors) VALUES ($1, 'node-a', 'h', $2, $3, $4, '{}', $5::jsonb)
            """, at, accepted, added, changed, errors);

    [Test]
    public async Task The_week_is_summed_by_hand_and_charted_per_day()
    {
        var p1 = await Db.AddIncidentAsync("api", "http_5xx", "P1", Nov(24));
        await Db.AddIncidentAsync("db", "slow", "P3", Nov(27), resolvedAt: Nov(27, 14));
        await Db.AddIncidentAsync("api", "http_5xx", "P2", Nov(30, 8));
        await Db.AddIncidentAsync("api", "http_5xx", "P2", Nov(20));
        await AddSyncAsync(Nov(25), true, ["slo_report_weekly"], ["key_rotation_sla"]);
        await AddSyncAsync(Nov(26), true, [], []);
        await AddSyncAsync(Nov(27), false, [], [], """[{"line":3}]""");
        await Db.AddRunAsync("hosted-key-rotation-sla", "failed", Nov(24), "key_rotation_sla");
        await Db.AddRunAsync("hosted-key-rotation-sla", "gate_failed", Nov(25), "key_rotation_sla");
        await Db.AddRunAsync("hosted-key-rotation-sla", "succeeded", Nov(26), "key_rotation_sla");
        await Db.AddRunAsync("hosted-telemetry-retention", "succeeded", Nov(26), "telemetry_retention");
        await Db.AddRunAsync("hosted-alert-dispatch", "abandoned", Nov(28), "alert_dispatch");
        await Db.AddRunAsync("hosted-alert-dispatch", "abandoned", Nov(28, 13), "alert_dispatch");
        await Db.AddRunAsync("hosted-alert-dispatch", "failed", Nov(30, 1), "alert_dispatch");
        await Db.AddOperatorAlertAsync("key_rotation_sla", "failure", "critical", Nov(24));
        await Db.AddOperatorAlertAsync("key_rotation_sla", "gate_failed", "warning", Nov(25));
        await Db.AddOperatorAlertAsync("alert_dispatch", "failure", "warning", Nov(28));
        await Db.AddTelemetryAsync("t1", "recall", Nov(23), 198, latencyMs: 50);
        await Db.AddTelemetryAsync("t1", "recall", Nov(23), 2, statusCode: 500, latencyMs: 50);
        await Db.AddTelemetryAsync("t1", "write", Nov(26), 100, latencyMs: 120);
        await Db.AddFollowupAsync(p1.Id, 1, Nov(24), dueAt: Nov(30, 18));
        await Db.AddFollowupAsync(p1.Id, 2, Nov(24), dueAt: Nov(29));
        await Db.AddFollowupAsync(p1.Id, 3, Nov(24), dueAt: Nov(30).AddDays(10));

        var result = await Worker.RunAsync("oncall-weekly-handoff", new Dictionary<string, object?> { ["out-dir"] = OutDir });
        var s = WorkerHarness.SummaryJson(result);
        var markdown = await File.ReadAllTextAsync(Path.Combine(OutDir, "handoff-2026-11-30.md"));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That((s.GetProperty("from").GetString(), s.GetProperty("to").GetString()), Is.EqualTo(("2026-11-23T00:00:00.000Z", "2026-11-30T00:00:00.000Z")));
            Assert.That(s.GetProperty("incidents").EnumerateArray().Select(i => i.GetProperty("severity").GetString()), Is.EqualTo(new[] { "P1", "P3" }));
            Assert.That(s.GetProperty("registry_changes").EnumerateArray().Select(c => (c.GetProperty("accepted").GetBoolean(), c.GetProperty("added").GetArrayLength())),
                Is.EqualTo(new[] { (true, 1), (false, 0) }), "the sync that changed nothing is left out");
            Assert.That(s.GetProperty("failed_runs_per_task").EnumerateArray().Select(t => (t.GetProperty("task_id").GetString(), t.GetProperty("runs").GetInt64(),
                t.GetProperty("failed").GetInt64(), t.GetProperty("gate_failed").GetInt64())),
                Is.EqualTo(new[] { ("alert_dispatch", 2L, 2L, 0L), ("key_rotation_sla", 3L, 1L, 1L) }), "30 Nov's failure is next week's");
            Assert.That(s.GetProperty("operator_alerts").EnumerateArray().Select(a => (a.GetProperty("channel").GetString(), a.GetProperty("severity").GetString(),
                a.GetProperty("opened").GetInt64())), Is.EqualTo(new[] { ("ops-pd", "critical", 1L), ("ops-slack", "warning", 2L) }));
            var days = s.GetProperty("daily").EnumerateArray().ToList();
            Assert.That(days.Count, Is.EqualTo(7));
            Assert.That((days[0].GetProperty("requests").GetInt64(), days[0].GetProperty("error_rate").GetDouble(), days[0].GetProperty("p95_ms").GetDouble()),
                Is.EqualTo((200L, 0.01, 50.0)));
            Assert.That(days[3].GetProperty("p95_ms").GetDouble(), Is.EqualTo(120));
            Assert.That(days[1].GetProperty("error_rate").ValueKind, Is.EqualTo(JsonValueKind.Null), "no traffic on the 24th");
            Assert.That(s.GetProperty("followups_due_next_week").EnumerateArray().Select(f => f.GetProperty("seq").GetInt32()), Is.EqualTo(new[] { 2, 1 }),
                "the overdue one first; the one due in 10 days is not next week's");
            Assert.That(markdown, Does.Contain("**2 incident(s) opened · 3 failed run(s) in 2 task(s) · 2 registry change(s) · 2 follow-up(s) due next week**"));
            Assert.That(markdown, Does.Contain("- 2026-11-25 12:00 on node-a: added slo_report_weekly; changed key_rotation_sla"));
            Assert.That(markdown, Does.Contain("| ops-pd (pagerduty_events_v2) | critical | 1 |"));
            Assert.That(markdown, Does.Not.Contain("rk-secret-1"));
            Assert.That(File.ReadAllText(Path.Combine(OutDir, "handoff-2026-11-30-error-rate.svg")), Does.Contain("limit 1 %").And.Contain("Mon 23 Nov"));
            Assert.That(File.ReadAllText(Path.Combine(OutDir, "handoff-2026-11-30-p95.svg")), Does.Contain("limit 150 ms"));
        });
    }
}
