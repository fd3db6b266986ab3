using Aionis.Jobs.Alerts;
using Aionis.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Tests.Alerts;

/// <summary>Registry notify: failure alerts with dedupe and resolve, gate verdicts, and the overdue dead-man switch.</summary>
public sealed class OperatorAlertsTests : AlertJobTest
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private static readonly NotifyPolicy OnFailure = new() { OnFailure = true, Channels = ["ops", "pager"] };
    protected override DateTimeOffset Now => Start;

    protected override Dictionary<string, string?> AlertSettings() => new()
    {
        ["Alerts:Channels"] = $$"""
            [{"id":"ops","type":"generic_webhook","url":"{{Receiver.Url("/ops")}}"},
             {"id":"pager","type":"pagerduty_events_v2","routingKey":"RK-SECRET","url":"{{Receiver.Url("/pd")}}"}]
            """,
    };

    private OperatorAlerts Alerts => Worker.Services.GetRequiredService<OperatorAlerts>();

    private static RunFinishedNotice Run(string status, int attempt = 1, int maxAttempts = 1, string? error = "boom: connection reset") =>
        new("nightly_export", "hosted-tenant-timeseries-export", Guid.NewGuid(), status, attempt, maxAttempts, error, DateTimeOffset.UnixEpoch);

    private List<ReceivedRequest> Sent(string path) => Receiver.Requests.Where(r => r.Path == path).ToList();

    [Test]
    public async Task A_task_failing_every_minute_alerts_once_per_dedupe_window_and_resolves_once_after_a_success()
    {
        var first = Run("failed");
        await Alerts.RunFinishedAsync(first, OnFailure, CancellationToken.None);
        for (var minute = 1; minute < 30; minute++)
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            await Alerts.RunFinishedAsync(Run(minute % 2 == 0 ? "failed" : "timed_out"), OnFailure, CancellationToken.None);
        }
        Assert.That(Sent("/ops"), Has.Count.EqualTo(1), "29 more failures inside the 30-minute window stay quiet");

        Clock.Advance(TimeSpan.FromMinutes(1));
        await Alerts.RunFinishedAsync(Run("failed"), OnFailure, CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Alerts.RunFinishedAsync(Run("succeeded", error: null), OnFailure, CancellationToken.None);
        await Alerts.RunFinishedAsync(Run("succeeded", error: null), OnFailure, CancellationToken.None);

        var ops = Sent("/ops");
        var pd = Sent("/pd");
        var state = (await Db.RowsAsync("SELECT kind, occurrences, resolved_at FROM worker.operator_alerts")).Single();
        Assert.Multiple(() =>
        {
            Assert.That(ops, Has.Count.EqualTo(3), "first alert, a reminder after the window, one recovery");
            Assert.That(ops[0].Json.GetProperty("event_type").GetString(), Is.EqualTo("job_failed"));
            Assert.That(ops[0].Json.GetProperty("payload").GetProperty("run_id").GetString(), Is.EqualTo(first.RunId.ToString()));
            Assert.That(ops[0].Json.GetProperty("payload").GetProperty("history_command").GetString(), Is.EqualTo($"aionis history show {first.RunId}"));
            Assert.That(ops[0].Json.GetProperty("summary").GetString(), Does.Contain("nightly_export").And.Contain("boom: connection reset"));
            Assert.That(ops[2].Json.GetProperty("summary").GetString(), Does.StartWith("recovered: task nightly_export"));
            Assert.That(pd.Select(r => r.Json.GetProperty("event_action").GetString()), Is.EqualTo(new[] { "trigger", "trigger", "resolve" }));
            Assert.That(pd.Select(r => r.Json.GetProperty("dedup_key").GetString()).Distinct(), Is.EqualTo(new[] { "aionis-worker:nightly_export:failure" }));
            Assert.That(pd[0].Json.GetProperty("payload").GetProperty("source").GetString(), Is.EqualTo("aionis-worker"));
            Assert.That(state["kind"], Is.EqualTo("failure"));
            Assert.That(state["occurrences"], Is.EqualTo(31));
            Assert.That(state["resolved_at"], Is.EqualTo(Start.AddMinutes(31).UtcDateTime));
        });
    }

    [Test]
    public async Task Failures_before_the_last_attempt_and_unrequested_gate_verdicts_stay_quiet()
    {
        await Alerts.RunFinishedAsync(Run("failed", attempt: 1, maxAttempts: 3), OnFailure, CancellationToken.None);
        await Alerts.RunFinishedAsync(Run("gate_failed"), OnFailure, CancellationToken.None);
        await Alerts.RunFinishedAsync(Run("cancelled"), OnFailure, CancellationToken.None);
        Assert.That(Receiver.Requests, Is.Empty);

        await Alerts.RunFinishedAsync(Run("abandoned", attempt: 3, maxAttempts: 3), OnFailure, CancellationToken.None);
        await Alerts.RunFinishedAsync(Run("gate_failed"), OnFailure with { OnGateFailed = true }, CancellationToken.None);

        Assert.That(Sent("/ops").Select(r => r.Json.GetProperty("event_type").GetString()), Is.EqualTo(new[] { "job_failed", "job_gate_failed" }));
    }

    [Test]
    public async Task Severity_picks_channels_through_the_default_routing()
    {
        await Alerts.RunFinishedAsync(Run("failed"), new NotifyPolicy { OnFailure = true, Severity = "critical" }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(Sent("/pd"), Has.Count.EqualTo(1));
            Assert.That(Sent("/pd")[0].Json.GetProperty("payload").GetProperty("severity").GetString(), Is.EqualTo("critical"));
            Assert.That(Sent("/ops"), Is.Empty);
        });
    }

    [Test]
    public async Task An_overdue_task_is_reported_once_and_resolved_when_it_succeeds_again()
    {
        var hourly = TimeSpan.FromHours(1);
        var policy = new NotifyPolicy { OnFailure = true, Channels = ["ops"] };
        OverdueCandidate Candidate(DateTimeOffset? lastSuccess) => new("hourly_sla", lastSuccess, hourly, policy);

        await Alerts.CheckOverdueAsync([Candidate(Start.AddMinutes(-119))], CancellationToken.None);
        Assert.That(Receiver.Requests, Is.Empty, "119 minutes is within twice the period");

        for (var check = 0; check < 5; check++)
        {
            Clock.Advance(TimeSpan.FromMinutes(10));
            await Alerts.CheckOverdueAsync([Candidate(Start.AddMinutes(-119))], CancellationToken.None);
        }
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Alerts.CheckOverdueAsync([Candidate(Clock.GetUtcNow().AddMinutes(-1))], CancellationToken.None);
        await Alerts.CheckOverdueAsync([Candidate(Clock.GetUtcNow().AddMinutes(-1))], CancellationToken.None);

        var ops = Sent("/ops");
        Assert.Multiple(() =>
        {
            Assert.That(ops.Select(r => r.Json.GetProperty("event_type").GetString()), Is.EqualTo(new[] { "job_overdue", "job_overdue_recovered" }));
            Assert.That(ops[0].Json.GetProperty("summary").GetString(), Does.Contain("hourly_sla is overdue"));
        });
    }

    [Test]
    public async Task Notify_overdue_after_overrides_twice_the_period_and_never_run_tasks_count_from_since()
    {
        var policy = new NotifyPolicy { Channels = ["ops"], OverdueAfter = TimeSpan.FromMinutes(15) };
        await Alerts.CheckOverdueAsync([
            new OverdueCandidate("quick", Start.AddMinutes(-16), TimeSpan.FromDays(1), policy),
            new OverdueCandidate("never_ran", null, TimeSpan.FromHours(1), policy) { Since = Start.AddMinutes(-20) },
            new OverdueCandidate("unknown_age", null, TimeSpan.FromHours(1), policy),
        ], CancellationToken.None);

        Assert.That(Sent("/ops").Select(r => r.Json.GetProperty("payload").GetProperty("task_id").GetString()),
            Is.EquivalentTo(new[] { "quick", "never_ran" }));
    }
}
