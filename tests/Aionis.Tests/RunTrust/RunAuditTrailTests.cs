using Aionis.Data.History;
using Aionis.Data.Model;
using Aionis.Jobs.Alerts;
using Aionis.Tests.Support;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Aionis.Tests.RunTrust;

/// <summary>History tells the whole story: bounded run logs, who started a run, pauses and operator alerts as history.</summary>
public sealed class RunAuditTrailTests : AlertJobTest
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    protected override DateTimeOffset Now => Start;

    protected override Dictionary<string, string?> AlertSettings() => new()
    {
        ["Alerts:Channels"] = $$"""[{"id":"ops","type":"generic_webhook","url":"{{Receiver.Url("/ops")}}"}]""",
    };

    [Test]
    public async Task A_run_keeps_its_last_2000_log_lines_behind_a_marker_saying_how_many_were_dropped()
    {
        var log = new RunLog(new FakeTimeProvider(Start));
        for (var i = 1; i <= 2500; i++) log.Add("info", $"line {i}");
        var store = Worker.Services.GetRequiredService<RunHistoryStore>();
        var run = new JobRun { RunId = Guid.CreateVersion7(), Job = "hosted-key-rotation-sla", Trigger = "manual", Status = "succeeded", Node = "n", StartedAt = Start };
        run.Logs = log.TakePending();
        await store.WriteFinishedAsync(run);
        log.Add("warn", "retry in 1m");
        await store.AddLogsAsync(run.RunId, log.TakePending());

        var lines = await store.LogsAsync(run.RunId);
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Count.EqualTo(2002));
            Assert.That(lines[0].Message, Does.StartWith("[log truncated: 500 earlier lines"));
            Assert.That(lines[0].Seq, Is.EqualTo(500));
            Assert.That(lines[1].Message, Is.EqualTo("line 501"));
            Assert.That(lines[^2].Message, Is.EqualTo("line 2500"));
            Assert.That(lines[^1], Is.EqualTo(new RunLogLine(2501, Start, "warn", "retry in 1m")));
        });
    }

    [Test]
    public void A_run_log_is_bounded_to_one_megabyte_as_well()
    {
        var log = new RunLog(new FakeTimeProvider(Start));
        var big = new string('x', 10_000);
        for (var i = 0; i < 200; i++) log.Add("info", big);

        var lines = log.TakePending();
        Assert.Multiple(() =>
        {
            Assert.That(lines.Skip(1).Sum(l => l.Message.Length), Is.LessThanOrEqualTo(RunLog.MaxBytes));
            Assert.That(lines.Count, Is.EqualTo(1 + RunLog.MaxBytes / 10_000));
            Assert.That(lines[0].Message, Does.StartWith("[log truncated:"));
        });
    }

    [Test]
    public async Task A_run_stores_its_progress_lines_and_the_workers_lines_about_it()
    {
        await Db.AddTenantAsync("acme");
        await Db.AddTenantAsync("beta");

        var run = await Worker.RunAsync("hosted-key-usage-anomaly", new Dictionary<string, object?> { ["tenant-id"] = "*" }, taskId: "key_usage_anomaly");

        var lines = await Worker.Services.GetRequiredService<RunHistoryStore>().LogsAsync(run.RunId);
        Assert.Multiple(() =>
        {
            Assert.That(lines.Select(l => l.Message), Has.Some.EqualTo("[key_usage_anomaly] tenant acme: ok"));
            Assert.That(lines.Select(l => l.Message), Has.Some.EqualTo("[key_usage_anomaly] tenant beta: ok"));
            Assert.That(lines.Select(l => l.Seq), Is.Ordered.And.Unique);
            Assert.That(lines.All(l => l.Level == "info"), Is.True);
        });
    }

    [Test]
    public async Task Operator_alerts_keep_every_episode_and_each_open_send_and_resolve_as_events()
    {
        var alerts = Worker.Services.GetRequiredService<OperatorAlerts>();
        var policy = new NotifyPolicy { OnFailure = true, Channels = ["ops"] };
        RunFinishedNotice Run(string status) => new("nightly", "hosted-key-rotation-sla", Guid.NewGuid(), status, 1, 1, status == "failed" ? "boom" : null, Start);

        await alerts.RunFinishedAsync(Run("failed"), policy, CancellationToken.None);
        await alerts.RunFinishedAsync(Run("failed"), policy, CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(5));
        await alerts.RunFinishedAsync(Run("succeeded"), policy, CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(5));
        await alerts.RunFinishedAsync(Run("failed"), policy, CancellationToken.None);

        var episodes = await Db.RowsAsync("SELECT id, occurrences, resolved_at FROM worker.operator_alerts ORDER BY opened_at");
        var events = await Db.RowsAsync("SELECT alert_id, event FROM worker.operator_alert_events ORDER BY id");
        Assert.Multiple(() =>
        {
            Assert.That(episodes, Has.Count.EqualTo(2), "the failure after the resolve is a new episode, the first one is kept");
            Assert.That(episodes[0]["occurrences"], Is.EqualTo(2));
            Assert.That(episodes[0]["resolved_at"], Is.EqualTo(Start.AddMinutes(5).UtcDateTime));
            Assert.That(episodes[1]["resolved_at"], Is.Null);
            Assert.That(events.Select(e => (e["alert_id"], e["event"])), Is.EqualTo(new[]
            {
                (episodes[0]["id"], (object?)"opened"), (episodes[0]["id"], "sent"), (episodes[0]["id"], "repeated"), (episodes[0]["id"], "resolved"),
                (episodes[1]["id"], "opened"), (episodes[1]["id"], "sent"),
            }));
            Assert.That(Receiver.Requests, Has.Count.EqualTo(3), "alert, recovered, alert");
        });
    }
}
