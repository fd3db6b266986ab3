using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aionis.Jobs.Alerts;
using Aionis.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Tests.Monitoring;

/// <summary>The <c>alertmanager</c> operator channel against a real Alertmanager: raise, re-post, silence, resolve.</summary>
public sealed class AlertmanagerChannelTests : AlertJobTest
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly NotifyPolicy OnFailure = new() { OnFailure = true, Channels = ["am"] };
    private MonitoringBinary _alertmanager = null!;

    // Alertmanager judges startsAt/endsAt by its own clock: the worker's starts two minutes before the real time, so the
    // minute the test advances it stays in the past and a resolve's endsAt has passed when Alertmanager reads it.
    protected override DateTimeOffset Now { get; } = DateTimeOffset.UtcNow.AddMinutes(-2);

    [OneTimeSetUp]
    public async Task StartAlertmanagerAsync() => _alertmanager = await MonitoringBinary.StartAlertmanagerAsync();

    [OneTimeTearDown]
    public async Task StopAlertmanagerAsync() => await _alertmanager.DisposeAsync();

    protected override Dictionary<string, string?> AlertSettings() => new()
    {
        ["Alerts:Channels"] = $$"""[{"id":"am","type":"alertmanager","url":"{{_alertmanager.BaseUrl}}"}]""",
    };

    private OperatorAlerts Alerts => Worker.Services.GetRequiredService<OperatorAlerts>();

    /// <summary>A finished run of <paramref name="task"/> on node-a, in history as the runner writes it before observers hear of it.</summary>
    private async Task<RunFinishedNotice> RunAsync(string task, string status, string? error = "boom: connection reset")
    {
        var notice = new RunFinishedNotice(task, "hosted-tenant-timeseries-export", Guid.CreateVersion7(), status, 1, 1, error, Now, Node: "node-a");
        await Db.ExecuteAsync("""
            INSERT INTO worker.job_runs (run_id, task_id, job, trigger, dry_run, status, started_at, finished_at, duration_ms, node, attempt, inputs, error)
            VALUES ($1, $2, $3, 'schedule', false, $4, $5, $5, 0, $6, 1, '{}', $7)
            """, notice.RunId, task, notice.Job, status, Now, notice.Node!, (object?)error ?? DBNull.Value);
        return notice;
    }

    [Test]
    public async Task An_alert_appears_with_its_labels_stays_open_through_re_posts_is_silenced_there_and_ends_on_resolve()
    {
        await Alerts.RunFinishedAsync(await RunAsync("nightly_export", "failed"), OnFailure, CancellationToken.None);
        await Alerts.RunFinishedAsync(await RunAsync("other_task", "failed"), OnFailure, CancellationToken.None);
        await _alertmanager.WaitUntilAsync(async () => (await AlertsOfAsync("nightly_export")).Count == 1, TimeSpan.FromSeconds(15), "the alert in Alertmanager");
        var raised = (await AlertsOfAsync("nightly_export")).Single()!;

        using var silence = await Http.PostAsJsonAsync($"{_alertmanager.BaseUrl}/api/v2/silences", new
        {
            matchers = new[] { new { name = "task", value = "nightly_export", isRegex = false, isEqual = true } },
            startsAt = DateTimeOffset.UtcNow.AddSeconds(-1),
            endsAt = DateTimeOffset.UtcNow.AddHours(1),
            createdBy = "operator",
            comment = "maintenance",
        });
        var silenceId = (string)JsonNode.Parse(await silence.Content.ReadAsStringAsync())!["silenceID"]!;
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Alerts.RepostOpenAsync(CancellationToken.None);
        await _alertmanager.WaitUntilAsync(async () => State((await AlertsOfAsync("nightly_export")).Single()!) == "suppressed",
            TimeSpan.FromSeconds(15), "the silence to suppress the alert");
        var silenced = (await AlertsOfAsync("nightly_export")).Single()!;
        var other = (await AlertsOfAsync("other_task")).Single()!;

        await Alerts.RunFinishedAsync(await RunAsync("nightly_export", "succeeded", error: null), OnFailure, CancellationToken.None);
        await _alertmanager.WaitUntilAsync(async () => (await AlertsOfAsync("nightly_export")).Count == 0, TimeSpan.FromSeconds(15), "the resolve to end it");

        Assert.Multiple(() =>
        {
            Assert.That(raised["labels"]!.AsObject().ToDictionary(l => l.Key, l => (string)l.Value!), Is.EquivalentTo(new Dictionary<string, string>
            {
                ["alertname"] = "aionis_task_failure", ["task"] = "nightly_export", ["severity"] = "warning", ["node"] = "node-a",
            }));
            Assert.That((string?)raised["annotations"]!["summary"], Does.Contain("nightly_export").And.Contain("boom: connection reset"));
            Assert.That((string?)raised["annotations"]!["history_command"], Does.StartWith("aionis history show "));
            Assert.That(State(raised), Is.EqualTo("active"));
            Assert.That(DateTimeOffset.Parse((string)raised["endsAt"]!), Is.EqualTo(Now.AddMinutes(5)).Within(TimeSpan.FromSeconds(1)), "open for five minutes");
            Assert.That(DateTimeOffset.Parse((string)silenced["endsAt"]!), Is.EqualTo(Now.AddMinutes(6)).Within(TimeSpan.FromSeconds(1)), "the re-post extends it");
            Assert.That(silenced["status"]!["silencedBy"]!.AsArray().Select(s => (string)s!), Is.EqualTo(new[] { silenceId }));
            Assert.That(State(other), Is.EqualTo("active"), "the silence matches only its task");
        });
    }

    private async Task<List<JsonNode?>> AlertsOfAsync(string task)
    {
        var body = await _alertmanager.TryGetAsync("/api/v2/alerts?filter=" + Uri.EscapeDataString($"task=\"{task}\""));
        return body is null ? [] : JsonNode.Parse(body)!.AsArray().ToList();
    }

    private static string? State(JsonNode alert) => (string?)alert["status"]!["state"];
}
