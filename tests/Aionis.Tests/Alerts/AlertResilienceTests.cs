using System.Diagnostics;
using Aionis.Jobs.Alerts;
using Aionis.Tests.Support;
using Aionis.Worker.Configuration;
using Aionis.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Aionis.Tests.Alerts;

/// <summary>
/// The alert client's resilience pipeline (Microsoft.Extensions.Http.Resilience / Polly) against real receivers on
/// 127.0.0.1: retries keep the idempotency key, Retry-After is honoured and capped, the timeout is per attempt, and a
/// dead target opens its own circuit only. The worker's clock is a stopped fake: every wait measured here is real time.
/// </summary>
public sealed class AlertResilienceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly List<AlertReceiver> _receivers = [];
    private WorkerHarness? _worker;

    [TearDown]
    public async Task StopAsync()
    {
        if (_worker is not null) await _worker.DisposeAsync();
        foreach (var receiver in _receivers) await receiver.DisposeAsync();
        _receivers.Clear();
    }

    private async Task<AlertReceiver> ReceiverAsync()
    {
        var receiver = await AlertReceiver.StartAsync();
        _receivers.Add(receiver);
        return receiver;
    }

    private AlertSender Sender(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        settings ??= [];
        settings["Alerts:AllowInsecureTargets"] = "true";
        _worker = new WorkerHarness(null, settings, new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero)), configure);
        return _worker.Services.GetRequiredService<AlertSender>();
    }

    private static AlertTarget Webhook(string url) =>
        new("route-1", "webhook", AlertTargetKind.Webhook, url, new Dictionary<string, string>(), Secret: "route_secret");

    private static AlertMessage Message(string key = "aionis-idem-1") =>
        new("task_failed", "acme", "critical", "task nightly failed", null, "dedup-1", IdempotencyKey: key);

    private static TimeSpan Gap(ReceivedRequest first, ReceivedRequest second) => Stopwatch.GetElapsedTime(first.ReceivedAt, second.ReceivedAt);

    [Test]
    public async Task A_503_then_200_is_delivered_on_the_second_attempt_with_the_same_idempotency_key_and_signature()
    {
        var receiver = await ReceiverAsync();
        receiver.Script(new ReceiverReply(503, "busy"));
        var sender = Sender();

        var outcome = await sender.DeliverAsync(Webhook(receiver.Url("/hooks/T0K3N")), Message(), Timeout, CancellationToken.None);

        var requests = receiver.Requests.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(DeliveryOutcome.Sent));
            Assert.That(outcome.Attempts, Is.EqualTo(2));
            Assert.That(outcome.ResponseCode, Is.EqualTo(200));
            Assert.That(requests, Has.Length.EqualTo(2));
            Assert.That(requests.Select(r => r.Header("idempotency-key")), Is.All.EqualTo("aionis-idem-1"));
            Assert.That(requests[1].Header("x-aionis-signature"), Is.EqualTo(requests[0].Header("x-aionis-signature")).And.Not.Null);
            Assert.That(requests[1].Body, Is.EqualTo(requests[0].Body), "the same request is sent again");
        });
    }

    [Test]
    public void Bad_delivery_settings_are_refused_at_start_one_line_each()
    {
        Sender(new() { ["Alerts:Delivery:MaxAttempts"] = "0", ["Alerts:Delivery:MaxRetryDelay"] = "01:00:00" });

        var problems = Assert.Throws<ConfigurationException>(() => WorkerServices.ValidateConfiguration(_worker!.Services))!.Message;

        Assert.Multiple(() =>
        {
            Assert.That(problems, Does.Contain("Alerts:Delivery:MaxAttempts '0': allowed a whole number in 1..10"));
            Assert.That(problems, Does.Contain("Alerts:Delivery:MaxRetryDelay '01:00:00': allowed a duration [d.]hh:mm:ss in 00:00:00..00:05:00"));
        });
    }

    [Test]
    public async Task A_400_is_not_retried()
    {
        var receiver = await ReceiverAsync();
        receiver.Script(new ReceiverReply(400, "bad body"));
        var sender = Sender();

        var outcome = await sender.DeliverAsync(Webhook(receiver.Url()), Message(), Timeout, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(DeliveryOutcome.Failed));
            Assert.That(outcome.ResponseCode, Is.EqualTo(400));
            Assert.That(outcome.ResponseBody, Is.EqualTo("bad body"));
            Assert.That(receiver.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Retry_after_one_second_is_waited_for_in_real_time()
    {
        var receiver = await ReceiverAsync();
        receiver.Script(new ReceiverReply(503, "busy", RetryAfterSeconds: 1));
        var sender = Sender(new() { ["Alerts:Delivery:BaseDelay"] = "00:00:00" });

        var outcome = await sender.DeliverAsync(Webhook(receiver.Url()), Message(), Timeout, CancellationToken.None);

        var requests = receiver.Requests.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(DeliveryOutcome.Sent));
            Assert.That(requests, Has.Length.EqualTo(2));
            Assert.That(Gap(requests[0], requests[1]), Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.95)), "Retry-After: 1 is honoured, not the 0 s backoff");
        });
    }

    [Test]
    public async Task A_huge_retry_after_is_cut_to_max_retry_delay()
    {
        var receiver = await ReceiverAsync();
        receiver.Script(ReceiverReply.TooManyRequests(retryAfterSeconds: 3600));
        var sender = Sender(new() { ["Alerts:Delivery:MaxRetryDelay"] = "00:00:02" });

        var watch = Stopwatch.StartNew();
        var outcome = await sender.DeliverAsync(Webhook(receiver.Url()), Message(), Timeout, CancellationToken.None);

        var requests = receiver.Requests.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(DeliveryOutcome.Sent));
            Assert.That(requests, Has.Length.EqualTo(2));
            Assert.That(Gap(requests[0], requests[1]), Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.95)), "the cap is waited for");
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "not the hour the receiver asked for");
        });
    }

    [Test]
    public async Task The_timeout_is_per_attempt_and_a_timed_out_attempt_is_unknown_and_not_retried()
    {
        var receiver = await ReceiverAsync();
        // Two slow answers: each within the 1.5 s attempt timeout, together beyond it.
        receiver.Script(new ReceiverReply(503, "busy") { Latency = TimeSpan.FromSeconds(1) }, ReceiverReply.Ok with { Latency = TimeSpan.FromSeconds(1) });
        var sender = Sender(new() { ["Alerts:Delivery:BaseDelay"] = "00:00:00" });
        var attemptTimeout = TimeSpan.FromSeconds(1.5);

        var slow = await sender.DeliverAsync(Webhook(receiver.Url()), Message(), attemptTimeout, CancellationToken.None);

        receiver.Script(ReceiverReply.Hung);
        var watch = Stopwatch.StartNew();
        var hung = await sender.DeliverAsync(Webhook(receiver.Url()), Message("aionis-idem-2"), attemptTimeout, CancellationToken.None);
        var elapsed = watch.Elapsed;

        Assert.Multiple(() =>
        {
            Assert.That(slow.Status, Is.EqualTo(DeliveryOutcome.Sent), "two attempts of 1 s each fit a 1.5 s timeout per attempt");
            Assert.That(slow.Attempts, Is.EqualTo(2));
            Assert.That(hung.Status, Is.EqualTo(DeliveryOutcome.Unknown));
            Assert.That(hung.Error, Is.EqualTo("timed out after 1500 ms"));
            Assert.That(hung.Attempts, Is.EqualTo(1));
            Assert.That(receiver.Requests, Has.Count.EqualTo(3), "the hung attempt is not retried: the receiver may have taken it");
            Assert.That(elapsed, Is.InRange(TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(10)));
        });
    }

    [Test]
    public async Task A_target_that_always_fails_opens_its_circuit_and_another_target_still_works()
    {
        var dead = await ReceiverAsync();
        dead.Default = ReceiverReply.ServerError;
        var healthy = await ReceiverAsync();
        var sender = Sender(new()
        {
            ["Alerts:Delivery:BaseDelay"] = "00:00:00",
            ["Alerts:Delivery:CircuitMinimumThroughput"] = "2",
            ["Alerts:Delivery:CircuitBreakDuration"] = "01:00:00",
        });

        var first = await sender.DeliverAsync(Webhook(dead.Url("/hooks/a")), Message(), Timeout, CancellationToken.None);
        var hitsAfterFirst = dead.Requests.Count;
        var watch = Stopwatch.StartNew();
        var second = await sender.DeliverAsync(Webhook(dead.Url("/hooks/b")), Message("aionis-idem-2"), Timeout, CancellationToken.None);
        var secondTook = watch.Elapsed;
        var other = await sender.DeliverAsync(Webhook(healthy.Url()), Message("aionis-idem-3"), Timeout, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(hitsAfterFirst, Is.EqualTo(2), "two failed attempts reach the receiver, then the circuit opens");
            Assert.That(first.Status, Is.EqualTo(DeliveryOutcome.Failed));
            Assert.That(first.Error, Does.StartWith($"circuit open for {dead.BaseUrl}"));
            Assert.That(second.Status, Is.EqualTo(DeliveryOutcome.Failed));
            Assert.That(second.Error, Does.StartWith($"circuit open for {dead.BaseUrl}: its last deliveries failed, tried again in"));
            Assert.That(dead.Requests, Has.Count.EqualTo(2), "the open circuit fails fast without calling the receiver");
            Assert.That(secondTook, Is.LessThan(TimeSpan.FromSeconds(2)));
            Assert.That(other.Status, Is.EqualTo(DeliveryOutcome.Sent), "another target has its own circuit");
            Assert.That(healthy.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Retries_log_at_trace_without_the_webhook_path_or_secrets()
    {
        var receiver = await ReceiverAsync();
        receiver.Script(new ReceiverReply(503, "busy"), new ReceiverReply(500, "boom"));
        var capture = new LogCapture();
        var sender = Sender(new() { ["Logging:LogLevel:Default"] = "Trace", ["Alerts:Delivery:BaseDelay"] = "00:00:00" },
            services => services.AddLogging(logging => logging.ClearProviders().AddProvider(capture)));

        var outcome = await sender.DeliverAsync(Webhook(receiver.Url("/services/T0K3N/S3CR3T?token=Q5ECRET")), Message(), Timeout, CancellationToken.None);

        var lines = capture.Lines.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Status, Is.EqualTo(DeliveryOutcome.Sent));
            Assert.That(outcome.Attempts, Is.EqualTo(3));
            Assert.That(lines.Where(l => l.Category.StartsWith("Polly", StringComparison.Ordinal)), Is.Not.Empty, "Polly's own telemetry is captured");
            Assert.That(lines.Count(l => l.EventId.Id is >= 1200 and <= 1202), Is.GreaterThanOrEqualTo(6), "every attempt's redacted request lines");
            Assert.That(lines.Where(l => l.Text.Contains(receiver.BaseUrl.Replace("http://", ""))), Is.Not.Empty, "the host and port are logged");
            foreach (var secret in new[] { "T0K3N", "S3CR3T", "Q5ECRET", "route_secret" })
            {
                Assert.That(lines.Where(l => l.Text.Contains(secret)).Select(l => $"{l.Category}[{l.EventId.Id}] {l.Text}"), Is.Empty, secret);
            }
        });
    }
}
