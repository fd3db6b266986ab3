using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Aionis.Jobs.Alerts;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Alerts;

/// <summary>
/// hosted-alert-dispatch end to end: stale keys in Postgres raise key_rotation_sla_failed, routes in
/// control_alert_routes carry it to a real HTTP receiver, and every outcome lands in control_alert_deliveries.
/// </summary>
public sealed class AlertDispatchJobTests : AlertJobTest
{
    private static readonly DateTimeOffset Tuesday = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private const string Tenant = "acme";
    protected override DateTimeOffset Now => Tuesday;

    /// <summary>Three stale keys (critical at base) and a recent rotation.</summary>
    private Task StaleKeysAsync(int count = 3) => Db.AddStaleKeysAsync(Tenant, Tuesday, count);

    private Task<RunResult> DispatchAsync(bool dryRun = false, params (string Key, object? Value)[] extra)
    {
        var options = new Dictionary<string, object?> { ["tenant-id"] = Tenant, ["event-types"] = AlertEventTypes.KeyRotationSlaFailed };
        foreach (var (key, value) in extra) options[key] = value;
        return Worker.RunAsync("hosted-alert-dispatch", options, dryRun);
    }

    private static JsonElement Meta(Dictionary<string, object?> row) => JsonDocument.Parse((string)row["metadata"]!).RootElement;

    private static JsonElement Rows(RunResult result) => WorkerHarness.SummaryJson(result).GetProperty("delivery").GetProperty("rows");

    [Test]
    public async Task A_stale_key_is_delivered_to_a_signed_webhook_and_recorded_as_sent()
    {
        await StaleKeysAsync();
        var route = await Db.AddAlertRouteAsync(Tenant, "webhook", Receiver.Url("/hooks/T0K3N"), secret: "route_secret",
            headersJson: """{"x-team":"sre"}""");

        var result = await DispatchAsync();

        var request = Receiver.Requests.Single();
        var signature = AlertSignature.Compute("route_secret", long.Parse(request.Header("x-aionis-signature-ts")!), Encoding.UTF8.GetBytes(request.Body));
        var row = (await Db.DeliveriesAsync()).Single();
        var metadata = Meta(row);
        var summary = WorkerHarness.SummaryJson(result);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok));
            Assert.That(request.Header("x-aionis-signature"), Is.EqualTo(signature));
            Assert.That(request.Header("x-team"), Is.EqualTo("sre"));
            Assert.That(request.Json.GetProperty("event_type").GetString(), Is.EqualTo("key_rotation_sla_failed"));
            Assert.That(request.Json.GetProperty("severity").GetString(), Is.EqualTo("critical"));
            Assert.That(request.Json.GetProperty("summary").GetString(), Is.EqualTo("tenant acme has 3 stale active key(s)"));
            Assert.That(request.Json.GetProperty("route").GetProperty("id").GetString(), Is.EqualTo(route.ToString()));
            Assert.That(request.Json.GetProperty("payload").GetProperty("stale_count_for_tenant").GetInt32(), Is.EqualTo(3));
            Assert.That(row["status"], Is.EqualTo("sent"));
            Assert.That(row["response_code"], Is.EqualTo(200));
            Assert.That(row["request_id"], Is.EqualTo(result.RunId.ToString()));
            Assert.That(row["created_at"], Is.EqualTo(Tuesday.UtcDateTime));
            Assert.That(metadata.GetProperty("dedupe_key").GetString(), Is.EqualTo($"acme:key_rotation_sla_failed:critical:{route}"));
            Assert.That(metadata.GetProperty("dedupe_ttl_seconds").GetInt32(), Is.EqualTo(1800));
            Assert.That(metadata.GetProperty("severity_input").GetString(), Is.EqualTo("critical"));
            Assert.That(metadata.GetProperty("quiet_window_hit").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("delivery").GetProperty("sent").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("events_detected")[0].GetProperty("severity").GetString(), Is.EqualTo("critical"));
            Assert.That(JobSummaryText(result), Does.Not.Contain("T0K3N").And.Not.Contain("route_secret"));
        });
    }

    [Test]
    public async Task Slack_routes_get_text_and_pagerduty_routes_get_an_events_v2_body()
    {
        await StaleKeysAsync();
        await Db.AddAlertRouteAsync(Tenant, "slack_webhook", Receiver.Url("/slack"), createdAt: Tuesday.AddDays(-2));
        await Db.AddAlertRouteAsync(Tenant, "pagerduty_events", Receiver.Url("/pd"), secret: "R0UTING_KEY", createdAt: Tuesday.AddDays(-1));

        await DispatchAsync();

        var slack = Receiver.Requests.Single(r => r.Path == "/slack").Json;
        var pd = Receiver.Requests.Single(r => r.Path == "/pd").Json;
        Assert.Multiple(() =>
        {
            Assert.That(slack.GetProperty("text").GetString(), Does.Contain("tenant acme has 3 stale active key(s)"));
            Assert.That(slack.GetProperty("event_type").GetString(), Is.EqualTo("key_rotation_sla_failed"));
            Assert.That(pd.GetProperty("routing_key").GetString(), Is.EqualTo("R0UTING_KEY"));
            Assert.That(pd.GetProperty("event_action").GetString(), Is.EqualTo("trigger"));
            Assert.That(pd.GetProperty("dedup_key").GetString(), Does.StartWith("acme:key_rotation_sla_failed:critical:"));
            Assert.That(pd.GetProperty("payload").GetProperty("source").GetString(), Is.EqualTo("aionis-hosted-alert-dispatch"));
            Assert.That(pd.GetProperty("payload").GetProperty("severity").GetString(), Is.EqualTo("critical"));
            Assert.That(pd.GetProperty("payload").GetProperty("custom_details").GetProperty("stale_count_for_tenant").GetInt32(), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task A_tuesday_3am_warning_only_window_downgrades_critical_and_the_dedupe_key_says_warning()
    {
        Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero));
        await StaleKeysAsync();
        var route = await Db.AddAlertRouteAsync(Tenant, "webhook", Receiver.Url(),
            policyJson: """{"quiet_windows":[{"days":[1,2,3,4,5],"start":"00:00","end":"07:00","timezone":"UTC","mode":"warning_only"}]}""");

        await DispatchAsync();

        var metadata = Meta((await Db.DeliveriesAsync()).Single());
        Assert.Multiple(() =>
        {
            Assert.That(Receiver.Requests.Single().Json.GetProperty("severity").GetString(), Is.EqualTo("warning"));
            Assert.That(metadata.GetProperty("quiet_window_hit").GetBoolean(), Is.True);
            Assert.That(metadata.GetProperty("quiet_mode").GetString(), Is.EqualTo("warning_only"));
            Assert.That(metadata.GetProperty("severity_input").GetString(), Is.EqualTo("critical"));
            Assert.That(metadata.GetProperty("severity_output").GetString(), Is.EqualTo("warning"));
            Assert.That(metadata.GetProperty("dedupe_key").GetString(), Is.EqualTo($"acme:key_rotation_sla_failed:warning:{route}"));
        });
    }

    [Test]
    public async Task Policy_skips_write_skipped_rows_with_their_reason()
    {
        await Db.AddKeyAsync(Tenant, "ak_live_fresh", Tuesday.AddDays(-1));
        Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 23, 0, 0, TimeSpan.Zero));
        await Db.AddAlertRouteAsync(Tenant, "webhook", Receiver.Url("/threshold"), createdAt: Tuesday.AddDays(-3),
            policyJson: """{"severity_thresholds":{"key_rotation_sla_failed":{"warning_no_recent_rotation":false}}}""");
        await Db.AddAlertRouteAsync(Tenant, "webhook", Receiver.Url("/quiet"), createdAt: Tuesday.AddDays(-2),
            policyJson: """{"quiet_windows":[{"start":"22:00","end":"06:00","mode":"suppress"}]}""");
        await Db.AddAlertRouteAsync(Tenant, "webhook", Receiver.Url("/tz"), createdAt: Tuesday.AddDays(-1),
            policyJson: """{"quiet_windows":[{"timezone":"Mars/Olympus"}]}""");

        var result = await DispatchAsync();

        var rows = await Db.DeliveriesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(Receiver.Requests, Is.Empty);
            Assert.That(rows.Select(r => r["status"]), Is.All.EqualTo("skipped"));
            Assert.That(rows.Select(r => r["error"]), Is.EqualTo(new[] { "below_route_threshold", "quiet_window_suppressed", "invalid_policy" }));
            Assert.That(Meta(rows[0]).GetProperty("reason").GetString(), Is.EqualTo("severity_threshold"));
            Assert.That(Meta(rows[1]).GetProperty("quiet_mode").GetString(), Is.EqualTo("suppress"));
            Assert.That(Rows(result).EnumerateArray().Select(r => r.GetProperty("reason").GetString()),
                Is.EqualTo(new[] { "below_route_threshold", "quiet_window", "invalid_policy" }));
            Assert.That(Rows(result)[2].GetProperty("error").GetString(), Does.Contain("Mars/Olympus"));
            Assert.That(WorkerHarness.SummaryJson(result).GetProperty("events_detected")[0].GetProperty("severity").GetString(), Is.EqualTo("warning"));
        });
    }

    [Test]
    public async Task A_second_run_within_the_ttl_is_a_dedupe_hit_and_a_30_second_ttl_behaves_as_60()
    {
        await StaleKeysAsync();
        await Db.AddAlertRouteAsync(Tenant, "webhook", Receiver.Url(), policyJson: """{"dedupe":{"ttl_seconds":30}}""");

        await DispatchAsync();
        Clock.Advance(TimeSpan.FromSeconds(45));
        var second = await DispatchAsync();
        Clock.Advance(TimeSpan.FromSeconds(16));
        await DispatchAsync();

        var rows = await Db.DeliveriesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(r => r["status"]), Is.EqualTo(new[] { "sent", "skipped", "sent" }));
            Assert.That(rows[1]["error"], Is.EqualTo("dedupe_hit"));
            Assert.That(Meta(rows[1]).GetProperty("dedupe_last_delivery_at").GetString(), Is.EqualTo("2026-11-24T00:00:00.000Z"));
            Assert.That(Meta(rows[1]).GetProperty("dedupe_ttl_seconds").GetInt32(), Is.EqualTo(60));
            Assert.That(Rows(second)[0].GetProperty("reason").GetString(), Is.EqualTo("dedupe_hit"));
            Assert.That(Receiver.Requests, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task No_active_route_is_reported_without_a_delivery_row()
    {
        await StaleKeysAsync();
        await Db.AddAlertRouteAsync(Tenant, "webhook", Receiver.Url(), status: "disabled");
        await Db.AddAlertRouteAsync(Tenant, "webhook", Receiver.Url(), events: """["key_usage_anomaly"]""");

        var result = await DispatchAsync();

        var deliveries = await Db.DeliveriesAsync();
        Assert.Multiple(() =>
        {
            Assert.That(Rows(result).GetArrayLength(), Is.EqualTo(1));
            Assert.That(Rows(result)[0].GetProperty("reason").GetString(), Is.EqualTo("no_active_route"));
            Assert.That(Rows(result)[0].GetProperty("route_id").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(deliveries, Is.Empty);
        });
    }

    [Test]
    public async Task A_429_with_retry_after_is_retried_and_sent_once()
    {
        await StaleKeysAsync();
        await Db.AddAlertRouteAsync(Tenant, "webhook", Receiver.Url());
        Receiver.Script(ReceiverReply.TooManyRequests(retryAfterSeconds: 1));

        var watch = Stopwatch.StartNew();
        var result = await DispatchAsync();

        var row = (await Db.DeliveriesAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(Receiver.Requests, Has.Count.EqualTo(2));
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)), "Retry-After is honoured");
            Assert.That(row["status"], Is.EqualTo("sent"));
            Assert.That(Meta(row).GetProperty("attempts").GetInt32(), Is.EqualTo(2));
            Assert.That(WorkerHarness.SummaryJson(result).GetProperty("delivery").GetProperty("sent").GetInt32(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_receiver_failing_with_500_ends_failed_with_the_code_and_strict_exits_2()
    {
        await StaleKeysAsync();
        await Db.AddAlertRouteAsync(Tenant, "webhook", Receiver.Url());
        Receiver.Default = ReceiverReply.ServerError;

        var result = await DispatchAsync(extra: ("strict", null));

        var row = (await Db.DeliveriesAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(Receiver.Requests, Has.Count.EqualTo(new AlertDeliverySettings().MaxAttempts));
            Assert.That(row["status"], Is.EqualTo("failed"));
            Assert.That(row["response_code"], Is.EqualTo(500));
            Assert.That(row["response_body"], Is.EqualTo("boom"));
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(WorkerHarness.SummaryJson(result).GetProperty("ok").GetBoolean(), Is.False);
        });
    }

    [Test]
    public async Task A_hung_receiver_times_out_at_timeout_ms_and_the_delivery_is_unknown()
    {
        await StaleKeysAsync();
        await Db.AddAlertRouteAsync(Tenant, "webhook", Receiver.Url());
        Receiver.Default = ReceiverReply.Hung;

        var watch = Stopwatch.StartNew();
        var result = await DispatchAsync(extra: ("timeout-ms", "1000"));

        var row = (await Db.DeliveriesAsync()).Single();
        var summary = WorkerHarness.SummaryJson(result);
        Assert.Multiple(() =>
        {
            Assert.That(watch.Elapsed, Is.InRange(TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5)));
            Assert.That(Receiver.Requests, Has.Count.EqualTo(1), "a timeout is not retried within the run");
            Assert.That(row["status"], Is.EqualTo("failed"), "control_alert_deliveries allows only sent, failed, skipped");
            Assert.That(Meta(row).GetProperty("delivery_state").GetString(), Is.EqualTo("unknown"));
            Assert.That(row["response_code"], Is.Null);
            Assert.That(row["error"], Does.StartWith("delivery_unknown: timed out after 1000 ms; the receiver may have accepted it"));
            Assert.That(summary.GetProperty("delivery").GetProperty("unknown").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("delivery").GetProperty("rows")[0].GetProperty("status").GetString(), Is.EqualTo("unknown"));
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.False);
        });
    }

    [Test]
    public async Task A_dry_run_makes_no_http_call_and_writes_no_row()
    {
        await StaleKeysAsync();
        await Db.AddAlertRouteAsync(Tenant, "webhook", Receiver.Url("/hooks/T0K3N"));
        var before = await Db.ControlPlaneFingerprintAsync();

        var result = await DispatchAsync(dryRun: true);

        var planned = await Db.ScalarAsync<string>("SELECT planned_actions::text FROM worker.job_runs WHERE run_id = $1", result.RunId);
        var after = await Db.ControlPlaneFingerprintAsync();
        Assert.Multiple(() =>
        {
            Assert.That(Receiver.Requests, Is.Empty);
            Assert.That(after, Is.EqualTo(before));
            Assert.That(Rows(result)[0].GetProperty("error").GetString(), Is.EqualTo("dry_run"));
            Assert.That(WorkerHarness.SummaryJson(result).GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(planned, Does.Contain("send_alert").And.Not.Contain("T0K3N"));
        });
    }

    [Test]
    public void Unknown_event_types_are_rejected_naming_the_option() =>
        Assert.That(() => Worker.RunAsync("hosted-alert-dispatch", new Dictionary<string, object?> { ["event-types"] = "key_rotation_sla_failed,nope" }),
            Throws.TypeOf<Aionis.Jobs.Framework.OptionBindingException>().With.Message.Contains("--event-types 'nope'"));

    private string JobSummaryText(RunResult result) => Aionis.Jobs.Framework.JobJson.Serialize(result.Summary);
}
