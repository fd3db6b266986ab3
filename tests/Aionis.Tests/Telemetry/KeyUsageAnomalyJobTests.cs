using System.Text.Json;
using Aionis.Data.History;
using Aionis.Jobs.Framework;
using Aionis.Tests.Support;
using Aionis.Worker.Running;
using Microsoft.Extensions.Time.Testing;

namespace Aionis.Tests.Telemetry;

/// <summary>
/// hosted-key-usage-anomaly (docs/jobs/telemetry.md) and hand-computed cases (W=24, B=168, slice 144, min 30, z 3): one tenant holds a
/// key prefix for every rule, the job runs once, and each pair's verdict is checked.
/// </summary>
public sealed class KeyUsageAnomalyJobTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Recent = Now.AddHours(-1);
    private static readonly DateTimeOffset Baseline = Now.AddHours(-48);
    private TestDatabase _db = null!;
    private WorkerHarness _worker = null!;
    private JsonElement _summary;
    private RunResult _result = null!;

    [OneTimeSetUp]
    public async Task ArrangeEveryRuleAndRunOnce()
    {
        _db = await TestDatabase.CreateAsync();
        _worker = new WorkerHarness(_db, clock: new FakeTimeProvider(Now));

        // Expected recent traffic = baseline × 24 / 144: 1440 baseline requests expect 240.
        await _db.AddTelemetryAsync("acme", "recall", Baseline, 1440, keyPrefix: "ak_spike");
        await _db.AddTelemetryAsync("acme", "recall", Recent, 480, keyPrefix: "ak_spike");
        await _db.AddTelemetryAsync("acme", "write", Baseline, 1440, keyPrefix: "ak_nospike");
        await _db.AddTelemetryAsync("acme", "write", Recent, 479, keyPrefix: "ak_nospike");

        // Baseline latencies 80/120: avg 100, stddev_pop 20; recent avg 170 → z = 3.5. 240 baseline expect 40 recent: ratio 1.
        await _db.AddTelemetryPairAsync("acme", "recall_text", Baseline, 120, 80, 120, "ak_slow");
        await _db.AddTelemetryAsync("acme", "recall_text", Recent, 40, latencyMs: 170, keyPrefix: "ak_slow");

        // Recent 30 budget errors (20 × 5xx, 10 × 429) in 480 = 0.0625, plus 40 × 404 that do not count.
        foreach (var prefix in new[] { "ak_err1", "ak_err4" })
        {
            await _db.AddTelemetryAsync("acme", "recall", Recent, 410, keyPrefix: prefix);
            await _db.AddTelemetryAsync("acme", "recall", Recent, 40, statusCode: 404, keyPrefix: prefix);
            await _db.AddTelemetryAsync("acme", "recall", Recent, 20, statusCode: 502, keyPrefix: prefix);
            await _db.AddTelemetryAsync("acme", "recall", Recent, 10, statusCode: 429, keyPrefix: prefix);
        }
        // Baselines of 3000 (expect 500 → ratio 0.96): 1 % errors vs 4 % errors.
        await _db.AddTelemetryAsync("acme", "recall", Baseline, 2970, keyPrefix: "ak_err1");
        await _db.AddTelemetryAsync("acme", "recall", Baseline, 30, statusCode: 500, keyPrefix: "ak_err1");
        await _db.AddTelemetryAsync("acme", "recall", Baseline, 2880, keyPrefix: "ak_err4");
        await _db.AddTelemetryAsync("acme", "recall", Baseline, 60, statusCode: 500, keyPrefix: "ak_err4");
        await _db.AddTelemetryAsync("acme", "recall", Baseline, 60, statusCode: 429, keyPrefix: "ak_err4");

        // A new prefix without baseline, and one with only 29 recent requests that are all slow server errors.
        await _db.AddTelemetryAsync("acme", "recall", Recent, 100, keyPrefix: "ak_new");
        await _db.AddTelemetryPairAsync("acme", "write", Baseline, 100, 90, 110, "ak_quiet");
        await _db.AddTelemetryAsync("acme", "write", Recent, 29, statusCode: 500, latencyMs: 5000, keyPrefix: "ak_quiet");

        // p95 of 19 × 100.1 and 1 × 100.2 ms: position 0.95 × 19 = 18.05, so 100.1 + 0.05 × 0.1 = 100.105
        // (percentile_cont returns 100.10499999999999 in floating point).
        await _db.AddTelemetryAsync("acme", "planning_context", Recent, 19, latencyMs: 100.1, keyPrefix: "ak_p95");
        await _db.AddTelemetryAsync("acme", "planning_context", Recent, 1, latencyMs: 100.2, keyPrefix: "ak_p95");

        // Noise the report must not see: another tenant, requests without a key, rows older than the baseline.
        await _db.AddTelemetryAsync("other", "recall", Recent, 500, statusCode: 500, keyPrefix: "ak_other");
        await _db.AddTelemetryAsync("acme", "recall", Recent, 500, statusCode: 500);
        await _db.AddTelemetryAsync("acme", "recall", Now.AddHours(-200), 5000, keyPrefix: "ak_spike");

        _result = await _worker.RunAsync("hosted-key-usage-anomaly", new Dictionary<string, object?> { ["tenant-id"] = "acme" });
        _summary = WorkerHarness.SummaryJson(_result);
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        await _worker.DisposeAsync();
        await _db.DisposeAsync();
    }

    private JsonElement Item(string prefix) =>
        _summary.GetProperty("report").GetProperty("items").EnumerateArray().Single(i => i.GetProperty("api_key_prefix").GetString() == prefix);

    private static string[] Reasons(JsonElement item) =>
        item.GetProperty("anomaly").GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToArray();

    [Test]
    public void Twice_the_expected_traffic_is_a_spike_and_just_under_is_not()
    {
        var spike = Item("ak_spike");
        var under = Item("ak_nospike");
        Assert.Multiple(() =>
        {
            Assert.That(spike.GetProperty("anomaly").GetProperty("traffic_ratio").GetDouble(), Is.EqualTo(2.0));
            Assert.That(Reasons(spike), Is.EqualTo(new[] { "request_spike" }));
            Assert.That(spike.GetProperty("baseline").GetProperty("total").GetInt64(), Is.EqualTo(1440), "rows before the baseline are not counted");
            Assert.That(spike.GetProperty("baseline").GetProperty("slice_hours").GetInt32(), Is.EqualTo(144));
            Assert.That(under.GetProperty("anomaly").GetProperty("traffic_ratio").GetDouble(), Is.EqualTo(1.995833));
            Assert.That(Reasons(under), Is.Empty);
        });
    }

    [Test]
    public void A_latency_zscore_of_3_5_is_a_latency_regression()
    {
        var slow = Item("ak_slow");
        Assert.Multiple(() =>
        {
            Assert.That(slow.GetProperty("baseline").GetProperty("latency_avg_ms").GetDouble(), Is.EqualTo(100));
            Assert.That(slow.GetProperty("baseline").GetProperty("latency_stddev_ms").GetDouble(), Is.EqualTo(20));
            Assert.That(slow.GetProperty("recent").GetProperty("latency_avg_ms").GetDouble(), Is.EqualTo(170));
            Assert.That(slow.GetProperty("anomaly").GetProperty("latency_zscore").GetDouble(), Is.EqualTo(3.5));
            Assert.That(slow.GetProperty("anomaly").GetProperty("traffic_ratio").GetDouble(), Is.EqualTo(1.0));
            Assert.That(Reasons(slow), Is.EqualTo(new[] { "latency_regression" }));
        });
    }

    [Test]
    public void An_error_rate_of_0_0625_regresses_against_1_percent_but_not_against_4_percent()
    {
        var against1 = Item("ak_err1");
        var against4 = Item("ak_err4");
        Assert.Multiple(() =>
        {
            Assert.That(against1.GetProperty("recent").GetProperty("total").GetInt64(), Is.EqualTo(480));
            Assert.That(against1.GetProperty("recent").GetProperty("server_errors").GetInt64(), Is.EqualTo(20));
            Assert.That(against1.GetProperty("recent").GetProperty("throttled").GetInt64(), Is.EqualTo(10));
            Assert.That(against1.GetProperty("recent").GetProperty("error_rate").GetDouble(), Is.EqualTo(0.0625), "404s are not budget errors");
            Assert.That(against1.GetProperty("baseline").GetProperty("error_rate").GetDouble(), Is.EqualTo(0.01));
            Assert.That(Reasons(against1), Is.EqualTo(new[] { "error_budget_regression" }));
            Assert.That(against4.GetProperty("baseline").GetProperty("error_rate").GetDouble(), Is.EqualTo(0.04), "429s count in the baseline too");
            Assert.That(Reasons(against4), Is.Empty);
        });
    }

    [Test]
    public void A_new_prefix_without_baseline_has_no_ratio_and_is_never_a_spike()
    {
        var fresh = Item("ak_new");
        Assert.Multiple(() =>
        {
            Assert.That(fresh.GetProperty("anomaly").GetProperty("traffic_ratio").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(fresh.GetProperty("anomaly").GetProperty("latency_zscore").GetDouble(), Is.EqualTo(0));
            Assert.That(fresh.GetProperty("anomaly").GetProperty("is_anomaly").GetBoolean(), Is.False);
            Assert.That(fresh.GetProperty("baseline").GetProperty("total").GetInt64(), Is.EqualTo(0));
        });
    }

    [Test]
    public void The_recent_p95_is_interpolated_and_rounded_to_6_decimals_like_every_other_latency()
    {
        var recent = Item("ak_p95").GetProperty("recent");
        Assert.Multiple(() =>
        {
            Assert.That(recent.GetProperty("latency_p95_ms").GetDouble(), Is.EqualTo(100.105));
            Assert.That(recent.GetProperty("latency_avg_ms").GetDouble(), Is.EqualTo(100.105));
        });
    }

    [Test]
    public async Task Every_pairs_figures_equal_the_reference_shape_recent_left_join_baseline()
    {
        // The reference's statement, independently: two groupings joined, percentile over the recent rows only.
        var expected = await _db.RowsAsync("""
            WITH recent AS (
              SELECT api_key_prefix, endpoint, count(*) AS total, avg(latency_ms) AS avg_ms,
                     percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
                FROM memory_request_telemetry
               WHERE tenant_id = 'acme' AND api_key_prefix IS NOT NULL AND created_at >= $1 GROUP BY 1, 2),
            baseline AS (
              SELECT api_key_prefix, endpoint, count(*) AS total, avg(latency_ms) AS avg_ms, stddev_pop(latency_ms) AS sd
                FROM memory_request_telemetry
               WHERE tenant_id = 'acme' AND api_key_prefix IS NOT NULL AND created_at >= $2 AND created_at < $1 GROUP BY 1, 2)
            SELECT r.api_key_prefix, r.total, r.avg_ms, r.p95, coalesce(b.total, 0) AS baseline_total,
                   coalesce(b.avg_ms, 0) AS baseline_avg, coalesce(b.sd, 0) AS baseline_sd
              FROM recent r LEFT JOIN baseline b USING (api_key_prefix, endpoint)
            """, Now.AddHours(-24), Now.AddHours(-168));
        Assert.That(expected, Has.Count.EqualTo(8));
        Assert.Multiple(() =>
        {
            foreach (var row in expected)
            {
                var item = Item((string)row["api_key_prefix"]!);
                var prefix = row["api_key_prefix"];
                Assert.That(item.GetProperty("recent").GetProperty("total").GetInt64(), Is.EqualTo(row["total"]), $"{prefix} recent total");
                Assert.That(item.GetProperty("recent").GetProperty("latency_avg_ms").GetDouble(), Is.EqualTo(JobMath.Round6((double)row["avg_ms"]!)), $"{prefix} avg");
                Assert.That(item.GetProperty("recent").GetProperty("latency_p95_ms").GetDouble(), Is.EqualTo(JobMath.Round6((double)row["p95"]!)), $"{prefix} p95");
                Assert.That(item.GetProperty("baseline").GetProperty("total").GetInt64(), Is.EqualTo(row["baseline_total"]), $"{prefix} baseline total");
                Assert.That(item.GetProperty("baseline").GetProperty("latency_avg_ms").GetDouble(), Is.EqualTo(JobMath.Round6((double)row["baseline_avg"]!)), $"{prefix} baseline avg");
                Assert.That(item.GetProperty("baseline").GetProperty("latency_stddev_ms").GetDouble(), Is.EqualTo(JobMath.Round6((double)row["baseline_sd"]!)), $"{prefix} stddev");
            }
        });
    }

    [Test]
    public void Twenty_nine_recent_requests_never_make_an_anomaly()
    {
        var quiet = Item("ak_quiet");
        Assert.Multiple(() =>
        {
            Assert.That(quiet.GetProperty("recent").GetProperty("error_rate").GetDouble(), Is.EqualTo(1.0));
            Assert.That(quiet.GetProperty("anomaly").GetProperty("latency_zscore").GetDouble(), Is.GreaterThan(3));
            Assert.That(Reasons(quiet), Is.Empty);
        });
    }

    [Test]
    public void The_summary_counts_anomalies_orders_pairs_by_traffic_and_ignores_other_tenants_and_keyless_requests()
    {
        var prefixes = _summary.GetProperty("report").GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("api_key_prefix").GetString()).ToList();
        var sample = _summary.GetProperty("anomalies").GetProperty("sample").EnumerateArray()
            .Select(i => i.GetProperty("api_key_prefix").GetString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(prefixes, Is.EqualTo(new[] { "ak_err1", "ak_err4", "ak_spike", "ak_nospike", "ak_new", "ak_slow", "ak_quiet", "ak_p95" }));
            Assert.That(_summary.GetProperty("report").GetProperty("page").GetProperty("total").GetInt32(), Is.EqualTo(8));
            Assert.That(sample, Is.EqualTo(new[] { "ak_err1", "ak_spike", "ak_slow" }));
            Assert.That(_summary.GetProperty("anomalies").GetProperty("count").GetInt32(), Is.EqualTo(3));
            Assert.That(_summary.GetProperty("report").GetProperty("anomalies").GetProperty("count_in_page").GetInt32(), Is.EqualTo(3));
            Assert.That(_summary.GetProperty("report").GetProperty("retention").GetProperty("applied_baseline_hours").GetInt32(), Is.EqualTo(168));
            Assert.That(_summary.GetProperty("thresholds").GetProperty("zscore_threshold").GetDouble(), Is.EqualTo(3));
            Assert.That(_summary.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(_result.ExitCode, Is.EqualTo(ExitCodes.Ok), "without --strict anomalies still exit 0");
        });
    }

    [Test]
    public async Task Strict_with_anomalies_exits_2_and_a_quiet_tenant_passes()
    {
        var gated = await _worker.RunAsync("hosted-key-usage-anomaly", new Dictionary<string, object?> { ["tenant-id"] = "acme", ["strict"] = null });
        var quiet = await _worker.RunAsync("hosted-key-usage-anomaly", new Dictionary<string, object?> { ["tenant-id"] = "nobody", ["strict"] = null });
        Assert.Multiple(() =>
        {
            Assert.That(gated.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(gated.Status, Is.EqualTo(RunStatus.GateFailed));
            Assert.That(quiet.ExitCode, Is.EqualTo(ExitCodes.Ok));
            Assert.That(WorkerHarness.SummaryJson(quiet).GetProperty("ok").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task A_baseline_not_longer_than_the_window_is_raised_to_window_plus_one_and_echoed()
    {
        var summary = WorkerHarness.SummaryJson(await _worker.RunAsync("hosted-key-usage-anomaly",
            new Dictionary<string, object?> { ["tenant-id"] = "acme", ["window-hours"] = "48", ["baseline-hours"] = "24" }));

        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("thresholds").GetProperty("baseline_hours").GetInt32(), Is.EqualTo(49));
            Assert.That(summary.GetProperty("report").GetProperty("retention").GetProperty("applied_baseline_hours").GetInt32(), Is.EqualTo(49));
        });
    }
}
