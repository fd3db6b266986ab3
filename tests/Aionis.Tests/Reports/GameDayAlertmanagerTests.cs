using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aionis.Tests.Support;

namespace Aionis.Tests.Reports;

/// <summary>game-day against a real Alertmanager: the acknowledgement is the silence an operator creates there, as its API reports it.</summary>
public sealed class GameDayAlertmanagerTests : DatabaseJobTest
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private MonitoringBinary _alertmanager = null!;

    // Alertmanager judges startsAt/endsAt by its own clock: the run's clock starts two minutes before the real time, so
    // the three minutes the test moves it on keep the alert's endsAt (sent + 5 min) ahead of Alertmanager's now.
    // Whole seconds: summaries carry times to the millisecond.
    protected override DateTimeOffset Now { get; } = new(DateTimeOffset.UtcNow.AddMinutes(-2).UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);

    [OneTimeSetUp]
    public async Task StartAlertmanagerAsync() => _alertmanager = await MonitoringBinary.StartAlertmanagerAsync();

    [OneTimeTearDown]
    public async Task StopAlertmanagerAsync() => await _alertmanager.DisposeAsync();

    protected override Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(new Dictionary<string, string?>
    {
        ["Alerts:AllowInsecureTargets"] = "true",
        ["Alerts:Channels"] = $$"""[{"id":"am","type":"alertmanager","url":"{{_alertmanager.BaseUrl}}"}]""",
    });

    [Test]
    public async Task A_silence_created_in_Alertmanager_three_minutes_in_is_the_acknowledgement()
    {
        var run = Worker.RunAsync("game-day", new Dictionary<string, object?> { ["exercise"] = "alert-routing", ["poll-interval-ms"] = 100, ["ack-wait-seconds"] = 600 });
        string? runId = null;
        await _alertmanager.WaitUntilAsync(async () =>
        {
            var body = await _alertmanager.TryGetAsync("/api/v2/alerts?filter=" + Uri.EscapeDataString("alertname=\"aionis_game_day\""));
            runId = body is null ? null : (string?)JsonNode.Parse(body)!.AsArray().FirstOrDefault()?["labels"]?["game_day_run"];
            return runId is not null || run.IsCompleted;
        }, TimeSpan.FromSeconds(20), "the drill's alert in Alertmanager");
        Assert.That(run.IsCompleted, Is.False, "the drill waits for the acknowledgement");

        Clock.Advance(TimeSpan.FromMinutes(3));
        using var silence = await Http.PostAsJsonAsync($"{_alertmanager.BaseUrl}/api/v2/silences", new
        {
            matchers = new[] { new { name = "game_day_run", value = runId, isRegex = false, isEqual = true } },
            startsAt = DateTimeOffset.UtcNow.AddSeconds(-1),
            endsAt = DateTimeOffset.UtcNow.AddHours(1),
            createdBy = "oncall-alice",
            comment = "game day: acknowledged",
        });
        var silenceId = (string)JsonNode.Parse(await silence.Content.ReadAsStringAsync())!["silenceID"]!;
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        var summary = WorkerHarness.SummaryJson(result);
        var delivery = summary.GetProperty("deliveries")[0];
        var steps = await Db.RowsAsync("SELECT name, status FROM worker.job_run_steps WHERE run_id = $1 ORDER BY seq", result.RunId);
        Assert.Multiple(() =>
        {
            Assert.That(result.RunId.ToString(), Is.EqualTo(runId));
            Assert.That(delivery.GetProperty("status").GetString(), Is.EqualTo("accepted"));
            Assert.That(delivery.GetProperty("acknowledged_at").GetDateTimeOffset(), Is.EqualTo(Now.AddMinutes(3)));
            Assert.That(delivery.GetProperty("acknowledged_by").GetString(), Is.EqualTo("oncall-alice"));
            Assert.That(delivery.GetProperty("ack_source").GetString(), Is.EqualTo("alertmanager_silence"));
            Assert.That(delivery.GetProperty("receiver_reference").GetString(), Is.EqualTo($"silence {silenceId}"));
            Assert.That(summary.GetProperty("time_to_acknowledge").GetProperty("seconds").GetDouble(), Is.EqualTo(180));
            Assert.That(summary.GetProperty("time_to_acknowledge").GetProperty("verdict").GetString(), Is.EqualTo("met"), "SEV2: 15 min");
            Assert.That(steps.Select(s => $"{s["name"]} {s["status"]}"), Is.EqualTo(new[] { "alert:am accepted", "ack:am acknowledged", "resolve resolved" }));
        });
    }
}
