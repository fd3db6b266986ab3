using Aionis.Jobs.Alerts;
using Aionis.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Tests.Controls;

/// <summary>
/// <c>aionis alerts ack|silence|silences|unsilence</c> against a task that keeps failing, with a Slack-style and a
/// PagerDuty-style receiver on 127.0.0.1: repeats stop after an ack (PagerDuty gets <c>acknowledge</c> with the same
/// dedup key); nothing is sent while a silence lasts, and the alert goes out once it has expired.
/// </summary>
public sealed class AlertAckSilenceTests : AlertJobTest
{
    // The worker's clock starts at the real time: the CLI stamps silences with it.
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    private static readonly NotifyPolicy OnFailure = new() { OnFailure = true };
    protected override DateTimeOffset Now => Start;

    private string Channels => $$"""
        [{"id":"slack","type":"slack_webhook","url":"{{Receiver.Url("/slack")}}"},
         {"id":"pager","type":"pagerduty_events_v2","routingKey":"RK-SECRET","url":"{{Receiver.Url("/pd")}}"}]
        """;

    private const string Routing = """{"warning":["slack","pager"]}""";

    protected override Dictionary<string, string?> AlertSettings() => new() { ["Alerts:Channels"] = Channels, ["Alerts:Routing"] = Routing };

    private OperatorAlerts Alerts => Worker.Services.GetRequiredService<OperatorAlerts>();

    private Task FailAsync() => Alerts.RunFinishedAsync(
        new RunFinishedNotice("nightly_export", "hosted-tenant-timeseries-export", Guid.NewGuid(), "failed", 1, 1, "boom", Clock.GetUtcNow()),
        OnFailure, CancellationToken.None);

    private List<ReceivedRequest> Sent(string path) => Receiver.Requests.Where(r => r.Path == path).ToList();

    /// <summary>Runs the CLI, then brings the worker's clock up to the real time the CLI stamped its rows with.</summary>
    private async Task<CliResult> CliAsync(params string[] args)
    {
        var env = AionisCli.EnvFor(Db, Worker.ArtifactsRoot);
        env["Alerts__Channels"] = Channels;
        env["Alerts__Routing"] = Routing;
        env["Alerts__AllowInsecureTargets"] = "true";
        var result = await AionisCli.RunAsync(args, env);
        var now = DateTimeOffset.UtcNow;
        if (now > Clock.GetUtcNow()) Clock.SetUtcNow(now);
        return result;
    }

    [Test]
    public async Task An_acknowledged_alert_repeats_no_more_and_pagerduty_gets_acknowledge_with_the_same_dedup_key()
    {
        await FailAsync();
        Clock.Advance(NotifyPolicy.DefaultDedupeWindow + TimeSpan.FromMinutes(1));
        await FailAsync();
        Assert.That(Sent("/pd").Select(r => r.Json.GetProperty("event_action").GetString()), Is.EqualTo(new[] { "trigger", "trigger" }),
            "negative control: without an ack the failure repeats after the dedupe window");

        var id = await Db.ScalarAsync<long>("SELECT id FROM worker.operator_alerts");
        var ack = await CliAsync("alerts", "ack", id.ToString(), "--comment", "looking into it", "--json");
        Clock.Advance(NotifyPolicy.DefaultDedupeWindow + TimeSpan.FromMinutes(1));
        await FailAsync();
        Clock.Advance(NotifyPolicy.DefaultDedupeWindow + TimeSpan.FromMinutes(1));
        await FailAsync();
        var again = await CliAsync("alerts", "ack", id.ToString());
        var list = await CliAsync("alerts", "list", "--open");

        var pd = Sent("/pd");
        var slack = Sent("/slack");
        Assert.Multiple(async () =>
        {
            Assert.That(ack.ExitCode, Is.EqualTo(0), ack.Stderr);
            Assert.That(ack.Stdout, Does.Contain("\"acknowledgement_sent\": true"));
            Assert.That(pd.Select(r => r.Json.GetProperty("event_action").GetString()), Is.EqualTo(new[] { "trigger", "trigger", "acknowledge" }),
                "two failures after the ack send nothing");
            Assert.That(pd.Select(r => r.Json.GetProperty("dedup_key").GetString()).Distinct(), Is.EqualTo(new[] { "aionis-worker:nightly_export:failure" }));
            Assert.That(slack, Has.Count.EqualTo(3));
            Assert.That(slack[2].Json.GetProperty("text").GetString(), Does.Contain("ACKNOWLEDGED").And.Contain("looking into it"));
            Assert.That(await Db.ScalarAsync<string>("SELECT acknowledged_by FROM worker.operator_alerts"), Does.StartWith("cli:"));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.operator_alert_events WHERE event = 'acknowledged'"), Is.EqualTo(1L));
            Assert.That(await Db.ScalarAsync<int>("SELECT occurrences FROM worker.operator_alerts"), Is.EqualTo(4), "the failures are still recorded");
            Assert.That(again.ExitCode, Is.EqualTo(64));
            Assert.That(again.Stderr, Does.Contain("already acknowledged"));
            Assert.That(list.Stdout, Does.Contain($"#{id}").And.Contain("acked by cli:"));
        });
    }

    [Test]
    public async Task A_silenced_alert_is_recorded_not_sent_and_sent_once_the_silence_has_expired()
    {
        var silence = await CliAsync("alerts", "silence", "--match", "task=nightly_export", "--match", "severity=warning", "--for", "1h", "--comment", "known outage");
        await FailAsync();
        Clock.Advance(TimeSpan.FromMinutes(30));
        await FailAsync();
        var whileSilenced = Receiver.Requests.Count;
        var active = await CliAsync("alerts", "silences", "--json");

        Clock.Advance(TimeSpan.FromMinutes(31));
        await FailAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(silence.ExitCode, Is.EqualTo(0), silence.Stderr);
            Assert.That(silence.Stdout, Does.Contain("task=nightly_export,severity=warning"));
            Assert.That(whileSilenced, Is.EqualTo(0), "nothing is sent while the silence lasts");
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.operator_alert_events WHERE event = 'silenced'"), Is.EqualTo(2L));
            Assert.That(active.Stdout, Does.Contain("\"active\": true").And.Contain("known outage"));
            Assert.That(Sent("/slack"), Has.Count.EqualTo(1), "the first failure after the silence is sent");
            Assert.That(Sent("/pd").Single().Json.GetProperty("event_action").GetString(), Is.EqualTo("trigger"));
        });
    }

    [Test]
    public async Task A_silence_of_another_task_does_not_hold_an_alert_and_an_ended_silence_stays_in_history()
    {
        var silence = await CliAsync("alerts", "silence", "--match", "task=other_task", "--until", Start.AddHours(2).ToString("O"), "--comment", "other");
        await FailAsync();
        var id = await Db.ScalarAsync<long>("SELECT id FROM worker.alert_silences");
        var end = await CliAsync("alerts", "unsilence", id.ToString());
        var endAgain = await CliAsync("alerts", "unsilence", id.ToString());
        var active = await CliAsync("alerts", "silences");
        var all = await CliAsync("alerts", "silences", "--all");

        Assert.Multiple(() =>
        {
            Assert.That(silence.ExitCode, Is.EqualTo(0), silence.Stderr);
            Assert.That(Sent("/slack"), Has.Count.EqualTo(1), "a silence matching another task does not hold this one");
            Assert.That(end.ExitCode, Is.EqualTo(0), end.Stderr);
            Assert.That(endAgain.ExitCode, Is.EqualTo(64));
            Assert.That(active.Stdout, Is.Empty);
            Assert.That(all.Stdout, Does.Contain($"#{id}").And.Contain("ended").And.Contain("by cli:"));
        });
    }

    [TestCase("--match", "colour=red", "--for", "1h", "--comment", "x", "--match 'colour=red'")]
    [TestCase("--match", "kind=sometimes", "--for", "1h", "--comment", "x", "--match 'kind=sometimes'")]
    [TestCase("--match", "task=a", "--for", "500d", "--comment", "x", "--for '500d'")]
    [TestCase("--match", "task=a", "--until", "2001-01-01T00:00Z", "--comment", "x", "is not in the future")]
    [TestCase("--match", "task=a", "--for", "1h", "--comment", " ", "--comment ''")]
    public async Task Bad_silences_are_one_line_and_exit_64(string a, string b, string c, string d, string e, string f, string expected)
    {
        var result = await CliAsync("alerts", "silence", a, b, c, d, e, f);
        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64), result.Stderr);
            Assert.That(result.Stderr, Does.Contain(expected));
            Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.alert_silences"), Is.EqualTo(0L));
        });
    }

    [Test]
    public async Task A_pause_with_until_silences_the_tasks_overdue_alerts_until_then()
    {
        await KeyRotationRegistry.WriteAsync(Path.Combine(Worker.ArtifactsRoot, "task_registry.yml"), "0 6 * * *");
        Assert.That((await CliAsync("registry", "sync", "--registry", Path.Combine(Worker.ArtifactsRoot, "task_registry.yml"))).ExitCode, Is.EqualTo(0));
        var pause = await CliAsync("pause", KeyRotationRegistry.TaskId, "--reason", "db maintenance", "--until", "2h");
        var overdue = new OverdueCandidate(KeyRotationRegistry.TaskId, Start.AddDays(-3), TimeSpan.FromDays(1), OnFailure);
        await Alerts.CheckOverdueAsync([overdue], CancellationToken.None);
        var whilePaused = Receiver.Requests.Count;
        Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        await Alerts.CheckOverdueAsync([overdue], CancellationToken.None);

        var row = (await Db.RowsAsync("SELECT task_id, kind, severity, comment, created_by FROM worker.alert_silences")).Single();
        Assert.Multiple(() =>
        {
            Assert.That(pause.ExitCode, Is.EqualTo(0), pause.Stderr);
            Assert.That(row["task_id"], Is.EqualTo(KeyRotationRegistry.TaskId));
            Assert.That(row["kind"], Is.EqualTo("overdue"));
            Assert.That(row["severity"], Is.Null);
            Assert.That(row["comment"], Is.EqualTo("paused: db maintenance"));
            Assert.That(whilePaused, Is.EqualTo(0), "overdue during the maintenance window is not sent");
            Assert.That(Sent("/slack"), Has.Count.EqualTo(1), "still overdue after the window: sent");
        });
    }
}
