using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Alerts;

/// <summary>alert-test (game day): one test alert per operator channel or tenant route, each result printed and recorded.</summary>
public sealed class AlertTestJobTests : AlertJobTest
{
    protected override DateTimeOffset Now => new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    protected override Dictionary<string, string?> AlertSettings() => new()
    {
        ["AIONIS_ALERT_CHANNELS"] = $$"""
            [{"id":"slack","type":"slack_webhook","url":"{{Receiver.Url("/slack/T0K3N")}}"},
             {"id":"pager","type":"pagerduty_events_v2","routingKey":"RK-SECRET","url":"{{Receiver.Url("/pd")}}"}]
            """,
        ["AIONIS_ALERT_WEBHOOK_URL"] = Receiver.Url("/legacy"),
    };

    [Test]
    public async Task Each_operator_channel_gets_one_test_alert_and_each_result_is_a_run_step()
    {
        Receiver.Script(ReceiverReply.Ok, new ReceiverReply(403, "invalid_token"));

        var result = await Worker.RunAsync("alert-test", new Dictionary<string, object?> { ["strict"] = null });

        var summary = WorkerHarness.SummaryJson(result);
        var steps = await Db.RowsAsync("SELECT name, status FROM worker.job_run_steps WHERE run_id = $1 ORDER BY seq", result.RunId);
        var history = await Db.ScalarAsync<string>("SELECT summary::text || planned_actions::text FROM worker.job_runs WHERE run_id = $1", result.RunId);
        Assert.Multiple(() =>
        {
            Assert.That(Receiver.Requests.Select(r => r.Path), Is.EqualTo(new[] { "/slack/T0K3N", "/pd", "/legacy" }));
            Assert.That(Receiver.Requests.First().Json.GetProperty("text").GetString(), Does.Contain("game-day test alert"));
            Assert.That(steps.Select(s => s["name"]), Is.EqualTo(new[] { "alert:slack", "alert:pager", "alert:legacy_alert_webhook" }));
            Assert.That(steps.Select(s => s["status"]), Is.EqualTo(new[] { "sent", "failed", "sent" }));
            Assert.That(summary.GetProperty("failed").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("deliveries")[1].GetProperty("response_code").GetInt32(), Is.EqualTo(403));
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(history, Does.Not.Contain("T0K3N").And.Not.Contain("RK-SECRET"));
        });
    }

    [Test]
    public async Task A_dry_run_shows_where_alerts_would_go_without_sending()
    {
        var result = await Worker.RunAsync("alert-test", new Dictionary<string, object?> { ["channels"] = "pager" }, dryRun: true);

        var summary = WorkerHarness.SummaryJson(result);
        Assert.Multiple(() =>
        {
            Assert.That(Receiver.Requests, Is.Empty);
            Assert.That(summary.GetProperty("deliveries").GetArrayLength(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("deliveries")[0].GetProperty("status").GetString(), Is.EqualTo("skipped"));
            Assert.That(summary.GetProperty("deliveries")[0].GetProperty("target").GetString(), Does.StartWith("http://127.0.0.1"));
        });
    }

    [Test]
    public async Task With_a_tenant_each_active_route_gets_one_test_alert_recorded_as_a_delivery()
    {
        var route = await Db.AddAlertRouteAsync("acme", "webhook", Receiver.Url("/tenant"), secret: "s",
            policyJson: """{"quiet_windows":[{"mode":"suppress"}]}""");

        var result = await Worker.RunAsync("alert-test", new Dictionary<string, object?> { ["tenant-id"] = "acme" });

        var row = (await Db.DeliveriesAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(Receiver.Requests.Single().Path, Is.EqualTo("/tenant"), "test alerts ignore quiet windows");
            Assert.That(Receiver.Requests.Single().Header("x-aionis-signature"), Is.Not.Null);
            Assert.That(row["route_id"], Is.EqualTo(route));
            Assert.That(row["event_type"], Is.EqualTo("alert_test"));
            Assert.That(row["status"], Is.EqualTo("sent"));
            Assert.That(WorkerHarness.SummaryJson(result).GetProperty("mode").GetString(), Is.EqualTo("tenant_routes"));
        });
    }
}
