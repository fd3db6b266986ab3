using System.Text.Json;
using Aionis.Jobs.Reports.GameDay;
using Aionis.Tests.Support;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Tests.Reports;

/// <summary>
/// game-day against real HTTP receivers on 127.0.0.1: every channel gets the test alert, each receiver's answer and
/// time is a step, a refusing receiver fails its step, the probe times the restore, people's acknowledgements re-judge
/// the drill. The backend moves the worker's clock by known steps, so every time below is computed by hand.
/// </summary>
public sealed class GameDayJobTests : DatabaseJobTest
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 9, 10, 0, 0, TimeSpan.Zero);
    private AlertReceiver _receiver = null!;
    private ClockedBackend _backend = null!;

    protected override DateTimeOffset Now => T0;

    protected override async Task<Dictionary<string, string?>> SettingsAsync()
    {
        _receiver = await AlertReceiver.StartAsync();
        _backend = await ClockedBackend.StartAsync(Clock);
        _backend.Health(503, 503, 200);
        return new()
        {
            ["Alerts:AllowInsecureTargets"] = "true",
            ["AIONIS_ALERT_CHANNELS"] = $$"""
                [{"id":"slack","type":"slack_webhook","url":"{{_receiver.Url("/slack/T0K3N")}}"},
                 {"id":"pager","type":"pagerduty_events_v2","routingKey":"RK-SECRET","url":"{{_receiver.Url("/pd")}}"},
                 {"id":"hook","type":"generic_webhook","url":"{{_backend.BaseUrl}}/hook"},
                 {"id":"refusing","type":"generic_webhook","url":"{{_receiver.Url("/refusing")}}"}]
                """,
        };
    }

    [TearDown]
    public async Task StopReceiversAsync()
    {
        await _receiver.DisposeAsync();
        await _backend.DisposeAsync();
    }

    private GameDayRuns Runs => Worker.Services.GetRequiredService<GameDayRuns>();

    private static Dictionary<string, object?> Outage(params (string Key, object? Value)[] extra)
    {
        var options = new Dictionary<string, object?>
        {
            ["exercise"] = "backend-outage", ["channels"] = "hook", ["probe-url"] = "http://127.0.0.1:1/unused", ["poll-interval-ms"] = 100,
        };
        foreach (var (k, v) in extra) options[k] = v;
        return options;
    }

    [Test]
    public async Task Every_channel_gets_the_alert_a_refusing_receiver_fails_its_step_and_acks_recorded_later_give_the_time_to_acknowledge()
    {
        // Slack takes it, PagerDuty answers as its Events API does, the last receiver refuses; the resolves are taken.
        _receiver.Script(ReceiverReply.Ok, new ReceiverReply(202, """{"status":"success","message":"Event processed","dedup_key":"aionis-game-day:x"}"""),
            new ReceiverReply(403, "invalid token"));

        var result = await Worker.RunAsync("game-day", new Dictionary<string, object?> { ["exercise"] = "alert-routing", ["strict"] = null });

        var summary = WorkerHarness.SummaryJson(result);
        var steps = await Db.RowsAsync("SELECT name, status, started_at, finished_at FROM worker.job_run_steps WHERE run_id = $1 ORDER BY seq", result.RunId);
        var history = await Db.ScalarAsync<string>("SELECT summary::text || planned_actions::text || coalesce(error, '') FROM worker.job_runs WHERE run_id = $1", result.RunId);
        var deliveries = summary.GetProperty("deliveries");
        Assert.Multiple(() =>
        {
            Assert.That(steps.Select(s => $"{s["name"]} {s["status"]}"), Is.EqualTo(new[]
            {
                "alert:slack accepted", "alert:pager accepted", "alert:hook accepted", "alert:refusing failed", "resolve resolved",
            }));
            // The hook takes 2 s on the run's clock: sent at 10:00:00, accepted at 10:00:02; the others answer at once.
            Assert.That(deliveries[2].GetProperty("sent_at").GetDateTimeOffset(), Is.EqualTo(T0));
            Assert.That(deliveries[2].GetProperty("accepted_at").GetDateTimeOffset(), Is.EqualTo(T0.AddSeconds(2)));
            Assert.That(deliveries[1].GetProperty("receiver_reference").GetString(), Is.EqualTo("dedup_key aionis-game-day:x"));
            Assert.That(deliveries[3].GetProperty("accepted_at").ValueKind, Is.EqualTo(JsonValueKind.Null), "a refusal is not an acceptance");
            Assert.That(deliveries[3].GetProperty("response_code").GetInt32(), Is.EqualTo(403));
            Assert.That(_receiver.Requests.Select(r => r.Path), Is.EqualTo(new[] { "/slack/T0K3N", "/pd", "/refusing", "/slack/T0K3N", "/pd" }),
                "three retries would repeat /refusing: a 403 is not retried; only the accepted channels get the resolve");
            Assert.That(_receiver.Requests.ElementAt(1).Json.GetProperty("payload").GetProperty("severity").GetString(), Is.EqualTo("warning"), "alert-routing is SEV2");
            Assert.That(_receiver.Requests.ElementAt(4).Json.GetProperty("event_action").GetString(), Is.EqualTo("resolve"));
            Assert.That(summary.GetProperty("resolves_accepted").GetInt32(), Is.EqualTo(3));
            Assert.That(summary.GetProperty("time_to_acknowledge").GetProperty("verdict").GetString(), Is.EqualTo("pending"));
            Assert.That(summary.GetProperty("time_to_restore").GetProperty("verdict").GetString(), Is.EqualTo("not_applicable"));
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(history, Does.Contain("refusing did not accept the alert (failed: http status 403)"));
            Assert.That(history, Does.Not.Contain("T0K3N").And.Not.Contain("RK-SECRET"));
        });

        // Nine minutes later the on-call says they acknowledged the page at 10:07:30 and Slack at 10:04:00.
        Clock.Advance(TimeSpan.FromMinutes(9));
        await Runs.AcknowledgeAsync(result.RunId, "alert:pager", T0.AddMinutes(7.5), "cli:alice@ops", null, CancellationToken.None);
        var acked = await Runs.AcknowledgeAsync(result.RunId, "alert:slack", T0.AddMinutes(4), "cli:bob@ops", "saw it in #ops", CancellationToken.None);
        var again = await Runs.AcknowledgeAsync(result.RunId, "alert:slack", T0.AddMinutes(5), "cli:bob@ops", null, CancellationToken.None);
        var refused = await Runs.AcknowledgeAsync(result.RunId, "alert:refusing", T0.AddMinutes(5), "cli:bob@ops", null, CancellationToken.None);
        var early = await Runs.AcknowledgeAsync(result.RunId, "alert:hook", T0.AddMinutes(-1), "cli:bob@ops", null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(acked.Drill!.TimeToAcknowledge, Is.EqualTo(new GameDayMeasure(240, 900, GameDayMeasure.Met)), "the first acknowledgement, 4 min after 10:00 (SEV2: 15 min)");
            Assert.That(acked.Drill.Deliveries.Single(d => d.Channel == "pager").AcknowledgedAt, Is.EqualTo(T0.AddMinutes(7.5)));
            Assert.That(again.Problem, Is.EqualTo("--step 'alert:slack': already acknowledged by cli:bob@ops at 2026-12-09T10:04:00Z"));
            Assert.That(refused.Problem, Is.EqualTo("--step 'alert:refusing': allowed alert:slack, alert:pager, alert:hook"));
            Assert.That(early.Problem, Is.EqualTo("--at '2026-12-09T09:59:00Z': before the alert went out (2026-12-09T10:00:00Z)"));
        });
        TestContext.Out.WriteLine(GameDayMarkdown.Render(acked.Drill!));
    }

    [Test]
    public async Task A_backend_outage_pages_and_times_the_restore_from_the_probe()
    {
        var result = await Worker.RunAsync("game-day", Outage(("probe-url", _backend.BaseUrl + "/healthz")));

        var summary = JsonSerializer.Deserialize<GameDaySummary>(JsonSerializer.Serialize(WorkerHarness.SummaryJson(result)), Aionis.Jobs.Framework.JobJson.Options)!;
        var restoreStep = await Db.RowsAsync("SELECT status, finished_at FROM worker.job_run_steps WHERE run_id = $1 AND name = 'restore'", result.RunId);
        var md = await File.ReadAllTextAsync(Path.Combine(summary.Files!.Directory, summary.Files.Markdown));
        TestContext.Out.WriteLine(md);
        // 10:00:00 sent, 10:00:02 accepted; probes at +1 min each: down at 10:01:02 and 10:02:02, up at 10:03:02.
        Assert.Multiple(() =>
        {
            Assert.That(_backend.Requests, Is.EqualTo(new[] { "POST /hook", "GET /healthz", "GET /healthz", "GET /healthz", "POST /hook" }));
            Assert.That(summary.Restore, Is.EqualTo(new GameDayRestore("http://127.0.0.1:" + new Uri(_backend.BaseUrl).Port + "/***", GameDayRestore.Restored, 3,
                T0.AddSeconds(62), T0.AddSeconds(182), "probe", "http 200")));
            Assert.That(summary.TimeToRestore, Is.EqualTo(new GameDayMeasure(182, 3600, GameDayMeasure.Met)));
            Assert.That(summary.TimeToAcknowledge, Is.EqualTo(new GameDayMeasure(null, 300, GameDayMeasure.Pending)), "SEV1: 5 min, 3 min 4 s passed");
            Assert.That(summary.AlertSeverity, Is.EqualTo("critical"));
            Assert.That(summary.Ok, Is.True, summary.Problem);
            Assert.That(restoreStep.Single()["status"], Is.EqualTo("restored"));
            Assert.That(md, Does.Contain("| time to restore | 3 min 02 s | 60 min | ✅ met |"));
            Assert.That(md, Does.Contain($"aionis game-day ack {result.RunId} --step alert:hook --at <time>"));
            Assert.That(md, Does.Not.Contain("--step restore"), "the probe saw the restore");
        });

        var restoreAck = await Runs.AcknowledgeAsync(result.RunId, "restore", T0.AddMinutes(3), "cli:bob@ops", null, CancellationToken.None);
        Assert.That(restoreAck.Problem, Is.EqualTo("--step 'restore': already restored at 2026-12-09T10:03:02Z (probe)"));
    }

    [Test]
    public async Task A_backend_that_never_went_down_fails_the_drill()
    {
        _backend.Health(200);
        var result = await Worker.RunAsync("game-day", Outage(("probe-url", _backend.BaseUrl + "/healthz"), ("strict", null)));

        var summary = WorkerHarness.SummaryJson(result);
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("restore").GetProperty("status").GetString(), Is.EqualTo("never_down"));
            Assert.That(summary.GetProperty("restore").GetProperty("probes").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("time_to_restore").GetProperty("verdict").GetString(), Is.EqualTo("not_applicable"));
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(result.Error, Does.Contain("no outage was staged"));
        });
    }

    [Test]
    public async Task An_outage_not_restored_within_the_wait_misses_its_target_until_a_person_records_the_restore()
    {
        _backend.Health(503);
        var result = await Worker.RunAsync("game-day", Outage(("probe-url", _backend.BaseUrl + "/healthz"), ("restore-wait-seconds", 150),
            ("restore-target-minutes", 2)));

        var summary = WorkerHarness.SummaryJson(result);
        // Probes start at 10:00:02, 10:01:02 and 10:02:02 (before the wait ends at 10:02:30); the next would start at 10:03:02.
        Clock.Advance(TimeSpan.FromMinutes(10));
        var restored = await Runs.AcknowledgeAsync(result.RunId, "restore", T0.AddSeconds(100), "cli:carol@ops", "failover done", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("restore").GetProperty("status").GetString(), Is.EqualTo("not_restored"));
            Assert.That(summary.GetProperty("restore").GetProperty("probes").GetInt32(), Is.EqualTo(3));
            Assert.That(summary.GetProperty("time_to_restore").GetProperty("verdict").GetString(), Is.EqualTo("missed"), "3 min 4 s passed, target 2 min");
            Assert.That(restored.Drill!.Restore!.RestoredBy, Is.EqualTo("cli:carol@ops"));
            Assert.That(restored.Drill.TimeToRestore, Is.EqualTo(new GameDayMeasure(100, 120, GameDayMeasure.Met)));
        });
    }

    [Test]
    public async Task A_dry_run_prints_the_plan_and_sends_probes_and_writes_nothing()
    {
        var before = await Db.FingerprintAsync("worker.job_run_steps", "worker.game_day_acks", "worker.operator_alerts", "worker.operator_alert_events");

        var result = await Worker.RunAsync("game-day", Outage(("probe-url", _backend.BaseUrl + "/healthz"), ("channels", "slack,pager,hook")), dryRun: true);

        var summary = WorkerHarness.SummaryJson(result);
        Assert.Multiple(async () =>
        {
            Assert.That(await Db.FingerprintAsync("worker.job_run_steps", "worker.game_day_acks", "worker.operator_alerts", "worker.operator_alert_events"), Is.EqualTo(before));
            Assert.That(_receiver.Requests, Is.Empty);
            Assert.That(_backend.Requests, Is.Empty);
            Assert.That(Clock.GetUtcNow(), Is.EqualTo(T0), "no request moved the clock");
            Assert.That(summary.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("status").GetString()), Is.EqualTo(new[] { "planned", "planned", "planned" }));
            Assert.That(summary.GetProperty("plan").EnumerateArray().Select(p => p.GetString()), Has.Some.StartsWith("probe http://127.0.0.1:"));
            Assert.That(summary.GetProperty("restore").GetProperty("status").GetString(), Is.EqualTo("planned"));
            Assert.That((await Runs.GetAsync(result.RunId, CancellationToken.None)).Problem, Does.Contain("a dry run"));
        });
    }
}
