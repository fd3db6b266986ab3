using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.Reports;

/// <summary>slo-burn-rate: traffic placed in the seven windows so that known pairs fire, burn rates worked out by hand (budget 0.05 %).</summary>
public sealed class SloBurnRateJobTests : DatabaseJobTest
{
    protected override DateTimeOffset Now => new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private string OutDir => Path.Combine(Worker.ArtifactsRoot, "burn");

    private async Task<(int ExitCode, JsonElement Summary)> BurnAsync(string gate = "any", bool dryRun = false)
    {
        var result = await Worker.RunAsync("slo-burn-rate", new Dictionary<string, object?> { ["gate"] = gate, ["strict"] = "true", ["out-dir"] = OutDir }, dryRun);
        Assert.That(result.Error is null || result.ExitCode == 2, result.Error);
        return (result.ExitCode, WorkerHarness.SummaryJson(result));
    }

    /// <summary>
    /// A: 2 min ago 1,000 requests, 10 × 500. B: 45 min ago 1,000, 5 × 503. C: 3 h ago 8,000 fine. D: 2 days ago 50,000 fine.
    /// 5m = 30m = A: 1 % = 20×; 1h = 2h = A+B: 15 of 2,000 = 0.75 % = 15×; 6h = 1d = A+B+C: 15 of 10,000 = 3×;
    /// 3d = all: 15 of 60,000 = 0.5×. So 1h/5m (15× and 20× ≥ 14.4) pages and 1d/2h (3× and 15× ≥ 3) tickets; 6h/30m (3× &lt; 6)
    /// and 3d/6h (0.5× &lt; 1) do not. Rows 4 days old and in the future are outside every window.
    /// </summary>
    private async Task ArrangeAsync()
    {
        await Db.AddTelemetryAsync("t1", "recall", Now.AddMinutes(-2), 990);
        await Db.AddTelemetryAsync("t1", "recall", Now.AddMinutes(-2), 10, statusCode: 500);
        await Db.AddTelemetryAsync("t2", "write", Now.AddMinutes(-45), 995);
        await Db.AddTelemetryAsync("t2", "write", Now.AddMinutes(-45), 5, statusCode: 503);
        await Db.AddTelemetryAsync("t1", "recall", Now.AddHours(-3), 8000, statusCode: 429);
        await Db.AddTelemetryAsync("t1", "recall", Now.AddDays(-2), 50000);
        await Db.AddTelemetryAsync("t1", "recall", Now.AddDays(-4), 1000, statusCode: 500);
        await Db.AddTelemetryAsync("t1", "recall", Now.AddMinutes(1), 1000, statusCode: 500);
    }

    private static List<(string, long, long, double, double)> Windows(JsonElement s) => s.GetProperty("windows").EnumerateArray()
        .Select(w => (w.GetProperty("name").GetString()!, w.GetProperty("requests").GetInt64(), w.GetProperty("server_errors").GetInt64(),
            w.GetProperty("error_rate").GetDouble(), w.GetProperty("burn_rate").GetDouble())).ToList();

    private static List<(string, bool)> Pairs(JsonElement s) => s.GetProperty("pairs").EnumerateArray()
        .Select(p => (p.GetProperty("name").GetString()!, p.GetProperty("fired").GetBoolean())).ToList();

    [Test]
    public async Task A_fast_burn_pages_critical_and_says_which_pairs_fired()
    {
        await ArrangeAsync();

        var (exit, s) = await BurnAsync();

        Assert.Multiple(() =>
        {
            Assert.That(Windows(s), Is.EqualTo(new[]
            {
                ("5m", 1000L, 10L, 0.01, 20.0), ("30m", 1000L, 10L, 0.01, 20.0), ("1h", 2000L, 15L, 0.0075, 15.0), ("2h", 2000L, 15L, 0.0075, 15.0),
                ("6h", 10000L, 15L, 0.0015, 3.0), ("1d", 10000L, 15L, 0.0015, 3.0), ("3d", 60000L, 15L, 0.00025, 0.5),
            }), "429s are not server errors");
            Assert.That(Pairs(s), Is.EqualTo(new[] { ("1h/5m", true), ("6h/30m", false), ("1d/2h", true), ("3d/6h", false) }));
            Assert.That(s.GetProperty("fired").EnumerateArray().Select(f => f.GetString()), Is.EqualTo(new[] { "1h/5m", "1d/2h" }));
            Assert.That(s.GetProperty("severity").GetString(), Is.EqualTo("critical"));
            Assert.That(s.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(s.GetProperty("slo").GetProperty("budget_fraction").GetDouble(), Is.EqualTo(0.0005));
        });
        var markdown = await File.ReadAllTextAsync(Path.Combine(OutDir, "burn-rate.md"));
        Assert.That(markdown, Does.Contain("🔴 **PAGE** — 1h/5m, 1d/2h fired").And.Contain("| 1h/5m | page (critical) | 15× | 20× | 14.4× | **yes** |"));
    }

    [Test]
    public async Task Ten_minutes_later_the_short_window_has_cooled_so_only_the_ticket_fires_and_a_page_gate_passes()
    {
        await ArrangeAsync();
        await Db.ExecuteAsync("DELETE FROM memory_request_telemetry WHERE created_at > $1", Now);
        Clock.Advance(TimeSpan.FromMinutes(10));

        var (pageExit, page) = await BurnAsync("page");
        var (ticketExit, ticket) = await BurnAsync("ticket");

        Assert.Multiple(() =>
        {
            Assert.That(Windows(page).Take(3), Is.EqualTo(new[] { ("5m", 0L, 0L, 0.0, 0.0), ("30m", 1000L, 10L, 0.01, 20.0), ("1h", 2000L, 15L, 0.0075, 15.0) }));
            Assert.That(Pairs(page), Is.EqualTo(new[] { ("1h/5m", false), ("6h/30m", false), ("1d/2h", true), ("3d/6h", false) }));
            Assert.That(page.GetProperty("severity").GetString(), Is.EqualTo("warning"));
            Assert.That((pageExit, page.GetProperty("ok").GetBoolean()), Is.EqualTo((0, true)), "a page gate ignores a ticket");
            Assert.That((ticketExit, ticket.GetProperty("ok").GetBoolean()), Is.EqualTo((2, false)));
        });
    }

    [Test]
    public async Task Quiet_traffic_fires_nothing_and_a_dry_run_changes_nothing()
    {
        await Db.AddTelemetryAsync("t1", "recall", Now.AddMinutes(-1), 9999);
        await Db.AddTelemetryAsync("t1", "recall", Now.AddMinutes(-1), 1, statusCode: 500);
        var controlPlane = await Db.ControlPlaneFingerprintAsync();
        var worker = await Db.WorkerFingerprintAsync();

        var (exit, s) = await BurnAsync(dryRun: true);

        Assert.Multiple(async () =>
        {
            Assert.That(exit, Is.EqualTo(0));
            Assert.That(Windows(s)[0], Is.EqualTo(("5m", 10000L, 1L, 0.0001, 0.2)));
            Assert.That(s.GetProperty("fired").GetArrayLength(), Is.EqualTo(0));
            Assert.That(s.GetProperty("severity").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(await Db.ControlPlaneFingerprintAsync(), Is.EqualTo(controlPlane));
            Assert.That(await Db.WorkerFingerprintAsync(), Is.EqualTo(worker));
            Assert.That(Directory.Exists(OutDir), Is.False);
            Assert.That(File.ReadAllText(Path.Combine(OutDir + ".dry-run", "burn-rate.md")), Does.Contain("✅ **No pair fired**"));
        });
    }
}
