using System.Text.Json;
using Aionis.Jobs.Alerts;
using Aionis.Tests.Support;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Tests.Alerts;

/// <summary>
/// Exactly-once delivery as far as a sender can make it: concurrent dispatch runs claim a dedupe key before sending,
/// and a delivery that timed out after the receiver took it is retried with the same idempotency key.
/// </summary>
public sealed class AlertDeliveredOnceTests : AlertJobTest
{
    private static readonly DateTimeOffset Tuesday = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private const string Tenant = "acme";
    protected override DateTimeOffset Now => Tuesday;

    protected override Dictionary<string, string?> AlertSettings() => new()
    {
        ["Alerts:Channels"] = $$"""[{"id":"ops","type":"generic_webhook","url":"{{Receiver.Url("/ops")}}"}]""",
    };

    [SetUp]
    public Task StaleKeysAsync() => Db.AddStaleKeysAsync(Tenant, Tuesday);

    private Task<RunResult> DispatchAsync(int timeoutMs = 8000) => Worker.RunAsync("hosted-alert-dispatch", new Dictionary<string, object?>
    {
        ["tenant-id"] = Tenant, ["event-types"] = AlertEventTypes.KeyRotationSlaFailed, ["timeout-ms"] = timeoutMs.ToString(),
    });

    private List<ReceivedRequest> At(string path) => Receiver.Requests.Where(r => r.Path == path).ToList();

    [Test]
    public async Task Two_concurrent_dispatch_runs_deliver_each_dedupe_key_exactly_once_round_after_round()
    {
        var routes = new List<Guid>();
        for (var i = 0; i < 3; i++) routes.Add(await Db.AddAlertRouteAsync(Tenant, "webhook", Receiver.Url($"/r{i}"), createdAt: Tuesday.AddMinutes(-i)));
        // A receiver as slow as real ones keeps both runs inside the window in which each could send.
        Receiver.Default = ReceiverReply.Ok with { Latency = TimeSpan.FromMilliseconds(150) };
        const int rounds = 4;

        for (var round = 0; round < rounds; round++)
        {
            var both = await Task.WhenAll(DispatchAsync(), DispatchAsync());
            Assert.That(both.Select(r => r.ExitCode), Is.All.EqualTo(ExitCodes.Ok), string.Join("; ", both.Select(r => r.Error)));
            Clock.Advance(TimeSpan.FromSeconds(1801));
        }

        var perRoute = Enumerable.Range(0, 3).Select(i => At($"/r{i}")).ToList();
        var sentRows = await Db.ScalarAsync<long>("SELECT count(*) FROM control_alert_deliveries WHERE status = 'sent'");
        var hits = await Db.ScalarAsync<long>("SELECT count(*) FROM control_alert_deliveries WHERE error = 'dedupe_hit'");
        Assert.Multiple(() =>
        {
            Assert.That(perRoute.Select(r => r.Count), Is.All.EqualTo(rounds), "one delivery per route and round");
            Assert.That(perRoute.SelectMany(r => r).Select(r => r.Header("idempotency-key")).Distinct().Count(), Is.EqualTo(3 * rounds),
                "every round of every route is its own delivery");
            Assert.That(sentRows, Is.EqualTo(3 * rounds));
            Assert.That(hits, Is.EqualTo(3 * rounds), "the losing run records a dedupe hit");
        });
    }

    [Test]
    public async Task A_delivery_the_receiver_took_but_answered_too_late_is_unknown_and_retried_once_with_the_same_key()
    {
        var route = await Db.AddAlertRouteAsync(Tenant, "webhook", Receiver.Url("/hook"), secret: "route_secret");
        Receiver.Script(ReceiverReply.Hung);

        var timedOut = await DispatchAsync(timeoutMs: 1000);
        Clock.Advance(TimeSpan.FromMinutes(5));
        var retried = await DispatchAsync();
        Clock.Advance(TimeSpan.FromMinutes(5));
        var deduped = await DispatchAsync();
        Clock.Advance(TimeSpan.FromSeconds(1801));
        var nextEpisode = await DispatchAsync();

        var requests = At("/hook");
        var rows = await Db.DeliveriesAsync();
        static JsonElement Meta(Dictionary<string, object?> row) => JsonDocument.Parse((string)row["metadata"]!).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(WorkerHarness.SummaryJson(timedOut).GetProperty("delivery").GetProperty("rows")[0].GetProperty("status").GetString(), Is.EqualTo("unknown"));
            Assert.That(requests, Has.Count.EqualTo(3), "the stalled one, its retry, and the next episode; the dedupe hit sends nothing");
            Assert.That(requests[0].Header("idempotency-key"), Does.StartWith("aionis-"));
            Assert.That(requests[1].Header("idempotency-key"), Is.EqualTo(requests[0].Header("idempotency-key")), "the retry is the same delivery");
            Assert.That(requests[2].Header("idempotency-key"), Is.Not.EqualTo(requests[0].Header("idempotency-key")), "a new episode is a new delivery");
            Assert.That(rows.Select(r => (string)r["status"]!), Is.EqualTo(new[] { "failed", "sent", "skipped", "sent" }));
            Assert.That(Meta(rows[0]).GetProperty("delivery_state").GetString(), Is.EqualTo("unknown"));
            Assert.That(Meta(rows[1]).GetProperty("idempotency_key").GetString(), Is.EqualTo(requests[0].Header("idempotency-key")));
            Assert.That(Meta(rows[1]).GetProperty("delivery_attempt").GetInt32(), Is.EqualTo(2));
            Assert.That(rows[2]["error"], Is.EqualTo("dedupe_hit"));
            Assert.That(WorkerHarness.SummaryJson(retried).GetProperty("ok").GetBoolean(), Is.True);
            Assert.That(WorkerHarness.SummaryJson(deduped).GetProperty("delivery").GetProperty("sent").GetInt32(), Is.Zero);
            Assert.That(WorkerHarness.SummaryJson(nextEpisode).GetProperty("delivery").GetProperty("sent").GetInt32(), Is.EqualTo(1));
            Assert.That(route, Is.Not.EqualTo(Guid.Empty));
        });
    }

    [Test]
    public async Task Slack_text_carries_the_alert_id_and_pagerduty_the_dedup_key_on_every_retry()
    {
        await Db.AddAlertRouteAsync(Tenant, "slack_webhook", Receiver.Url("/slack"), createdAt: Tuesday.AddDays(-2));
        await Db.AddAlertRouteAsync(Tenant, "pagerduty_events", Receiver.Url("/pd"), secret: "R0UTING_KEY", createdAt: Tuesday.AddDays(-1));
        Receiver.Script(ReceiverReply.Hung, ReceiverReply.Hung);

        await DispatchAsync(timeoutMs: 1000);
        await DispatchAsync();

        var slack = At("/slack");
        var pd = At("/pd");
        Assert.Multiple(() =>
        {
            Assert.That(slack, Has.Count.EqualTo(2));
            Assert.That(pd, Has.Count.EqualTo(2));
            var id = slack[0].Header("idempotency-key");
            Assert.That(slack[0].Json.GetProperty("text").GetString(), Does.EndWith($"(alert id {id})"));
            Assert.That(slack[1].Json.GetProperty("text").GetString(), Is.EqualTo(slack[0].Json.GetProperty("text").GetString()));
            Assert.That(pd.Select(r => r.Json.GetProperty("dedup_key").GetString()).Distinct().Count(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task An_operator_alert_raised_on_two_nodes_at_once_is_sent_once_and_a_timed_out_one_is_retried_with_its_key()
    {
        var alerts = Worker.Services.GetRequiredService<OperatorAlerts>();
        var policy = new NotifyPolicy { OnFailure = true, Channels = ["ops"] };
        RunFinishedNotice Failed() => new("nightly_export", "hosted-tenant-timeseries-export", Guid.NewGuid(), "failed", 1, 1, "boom", Tuesday);
        Receiver.Default = ReceiverReply.Ok with { Latency = TimeSpan.FromMilliseconds(150) };

        await Task.WhenAll(alerts.RunFinishedAsync(Failed(), policy, CancellationToken.None), alerts.RunFinishedAsync(Failed(), policy, CancellationToken.None));
        var concurrent = At("/ops").Count;
        await alerts.RunFinishedAsync(new("nightly_export", "hosted-tenant-timeseries-export", Guid.NewGuid(), "succeeded", 1, 1, null, Tuesday),
            policy, CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        Receiver.Script(ReceiverReply.Hung);
        await alerts.RunFinishedAsync(Failed(), policy, CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await alerts.RunFinishedAsync(Failed(), policy, CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await alerts.RunFinishedAsync(Failed(), policy, CancellationToken.None);

        var ops = At("/ops");
        Assert.Multiple(() =>
        {
            Assert.That(concurrent, Is.EqualTo(1), "two occurrences at once send one alert");
            Assert.That(ops, Has.Count.EqualTo(4), "the alert, its recovery, the stalled alert of the next episode and its retry");
            Assert.That(ops[1].Json.GetProperty("summary").GetString(), Does.StartWith("recovered:"));
            Assert.That(ops[1].Header("idempotency-key"), Is.Not.EqualTo(ops[0].Header("idempotency-key")));
            Assert.That(ops[3].Header("idempotency-key"), Is.EqualTo(ops[2].Header("idempotency-key")), "the retry carries the stalled one's key");
            Assert.That(ops[2].Header("idempotency-key"), Is.Not.EqualTo(ops[0].Header("idempotency-key")), "a new episode is a new notification");
        });
    }
}
