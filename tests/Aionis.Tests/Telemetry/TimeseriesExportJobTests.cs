using System.Text.Json;
using System.Xml.Linq;
using Aionis.Tests.Support;
using Aionis.Worker.Running;
using Npgsql;

namespace Aionis.Tests.Telemetry;

/// <summary>
/// hosted-tenant-timeseries-export (docs/jobs/telemetry.md): hourly buckets and percentiles against independent SQL, hour boundaries in UTC while the
/// database's own time zone is +05:30, the report's newest-60 sample, the chart, the dashboard block and fan-out.
/// </summary>
public sealed class TimeseriesExportJobTests : DatabaseJobTest
{
    private static readonly DateTimeOffset Fixed = new(2026, 11, 20, 12, 30, 0, TimeSpan.Zero);

    protected override DateTimeOffset Now => Fixed;

    [Test]
    public async Task Buckets_counts_and_percentiles_match_independent_sql_in_utc_hours_whatever_the_server_time_zone()
    {
        await Db.ExecuteAsync($"ALTER DATABASE {Db.Name} SET timezone = 'Asia/Kolkata'");
        // 30 hours of requests every 97 s (crossing hour boundaries at odd seconds), two requests exactly on an hour.
        await Db.AddVariedTelemetryAsync("acme", Now.AddHours(-30), TimeSpan.FromSeconds(97), 1100);
        await Db.AddTelemetryAsync("acme", "write", new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), 1, latencyMs: 1);
        await Db.AddTelemetryAsync("acme", "write", new DateTimeOffset(2026, 11, 20, 9, 59, 59, 999, TimeSpan.Zero), 1, latencyMs: 2);
        await Db.AddVariedTelemetryAsync("other", Now.AddHours(-5), TimeSpan.FromSeconds(30), 300);
        await Db.AddTelemetryAsync("acme", "recall", Now.AddHours(-25), 50, statusCode: 500);

        var result = await Worker.RunAsync("hosted-tenant-timeseries-export",
            new Dictionary<string, object?> { ["tenant-id"] = "acme", ["window-hours"] = "24", ["run-id"] = "r1" });
        var summary = WorkerHarness.SummaryJson(result);

        var expected = await IndependentHourlyRowsAsync("acme", Now.AddHours(-24));
        var series = summary.GetProperty("series").EnumerateArray().ToList();
        Assert.That(series, Has.Count.EqualTo(expected.Count));
        Assert.Multiple(() =>
        {
            for (var i = 0; i < expected.Count; i++)
            {
                var row = series[i];
                var want = expected[i];
                var label = $"{want["bucket"]} {want["endpoint"]}";
                Assert.That(row.GetProperty("bucket_utc").GetString(), Is.EqualTo(want["bucket"]), label);
                Assert.That(row.GetProperty("endpoint").GetString(), Is.EqualTo(want["endpoint"]), label);
                Assert.That(row.GetProperty("total").GetInt64(), Is.EqualTo(want["total"]), label);
                Assert.That(row.GetProperty("server_errors").GetInt64(), Is.EqualTo(want["server_errors"]), label);
                Assert.That(row.GetProperty("throttled").GetInt64(), Is.EqualTo(want["throttled"]), label);
                Assert.That(row.GetProperty("client_errors").GetInt64(), Is.EqualTo(want["client_errors"]), label);
                Assert.That(row.GetProperty("error_budget_consumed").GetInt64(), Is.EqualTo((long)want["server_errors"]! + (long)want["throttled"]!), label);
                Assert.That(row.GetProperty("latency_p50_ms").GetDouble(), Is.EqualTo((double)want["p50"]!).Within(1e-9), label);
                Assert.That(row.GetProperty("latency_p95_ms").GetDouble(), Is.EqualTo((double)want["p95"]!).Within(1e-9), label);
                Assert.That(row.GetProperty("latency_p99_ms").GetDouble(), Is.EqualTo((double)want["p99"]!).Within(1e-9), label);
            }
            Assert.That(series.Select(r => r.GetProperty("bucket_utc").GetString()), Has.All.EndsWith(":00:00.000Z"), "whole UTC hours, not +05:30 half hours");
            Assert.That(summary.GetProperty("page").GetProperty("total").GetInt32(), Is.EqualTo(expected.Count));
            Assert.That(summary.GetProperty("window_hours").GetInt32(), Is.EqualTo(24));
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok));
        });

        var budget = await Db.RowsAsync("""
            SELECT endpoint, count(*) AS total, sum((status_code >= 500)::int) AS server_errors, sum((status_code = 429)::int) AS throttled
              FROM memory_request_telemetry WHERE tenant_id = 'acme' AND created_at >= $1 GROUP BY endpoint ORDER BY endpoint
            """, Now.AddHours(-24));
        var jobBudget = summary.GetProperty("budget").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(jobBudget.Select(b => b.GetProperty("endpoint").GetString()), Is.EqualTo(budget.Select(b => b["endpoint"])));
            Assert.That(jobBudget.Select(b => b.GetProperty("total").GetInt64()), Is.EqualTo(budget.Select(b => (long)b["total"]!)));
            Assert.That(jobBudget.Select(b => b.GetProperty("server_errors").GetInt64()), Is.EqualTo(budget.Select(b => (long)b["server_errors"]!)));
            Assert.That(jobBudget.Select(b => b.GetProperty("throttled").GetInt64()), Is.EqualTo(budget.Select(b => (long)b["throttled"]!)));
            Assert.That(jobBudget.Select(b => b.GetProperty("error_rate").GetDouble()),
                Is.EqualTo(budget.Select(b => Math.Round((double)((long)b["server_errors"]! + (long)b["throttled"]!) / (long)b["total"]!, 6, MidpointRounding.AwayFromZero))));
        });
    }

    [Test]
    public async Task The_worker_sessions_are_utc_while_the_database_default_is_not()
    {
        await Db.ExecuteAsync($"ALTER DATABASE {Db.Name} SET timezone = 'Asia/Kolkata'");

        await using var plain = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Db.ConnectionString) { Timezone = null, Pooling = false }.ConnectionString);
        await plain.OpenAsync();
        await using var worker = await ((NpgsqlDataSource)Worker.Services.GetService(typeof(NpgsqlDataSource))!).OpenConnectionAsync();
        Assert.Multiple(() =>
        {
            Assert.That(new NpgsqlCommand("SHOW timezone", plain).ExecuteScalar(), Is.EqualTo("Asia/Kolkata"));
            Assert.That(new NpgsqlCommand("SHOW timezone", worker).ExecuteScalar(), Is.EqualTo("UTC"));
        });
    }

    [Test]
    public async Task The_report_samples_the_newest_60_rows_links_the_chart_and_the_chart_has_both_panels()
    {
        await Db.AddVariedTelemetryAsync("acme", Now.AddHours(-30), TimeSpan.FromSeconds(97), 1100);

        var summary = WorkerHarness.SummaryJson(await Worker.RunAsync("hosted-tenant-timeseries-export",
            new Dictionary<string, object?> { ["tenant-id"] = "acme", ["run-id"] = "r1" }));

        var outDir = Path.Combine(Worker.ArtifactsRoot, "artifacts", "hosted_timeseries", "acme_r1");
        var artifacts = summary.GetProperty("artifacts");
        var report = await File.ReadAllTextAsync(Path.Combine(outDir, "TIMESERIES_REPORT.md"));
        var sampleRows = report.Split('\n').SkipWhile(l => !l.StartsWith("## Recent Series")).Where(l => l.StartsWith("| 2026-")).ToList();
        var series = summary.GetProperty("series").EnumerateArray().ToList();
        var chart = XDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "timeseries.svg")));
        XNamespace svg = "http://www.w3.org/2000/svg";
        var texts = chart.Descendants(svg + "text").Select(t => t.Value).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(artifacts.GetProperty("out_dir").GetString(), Is.EqualTo(outDir));
            Assert.That(artifacts.GetProperty("summary_json").GetString(), Is.EqualTo(Path.Combine(outDir, "summary.json")));
            Assert.That(File.ReadAllText(Path.Combine(outDir, "summary.json")), Is.EqualTo(Aionis.Jobs.Framework.JobJson.Serialize(JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json"))).RootElement) + "\n"));
            Assert.That(series, Has.Count.GreaterThan(60));
            Assert.That(report, Does.StartWith("# Hosted Tenant Timeseries\n\n1. tenant_id: `acme`\n2. generated_at: `2026-11-20T12:30:00.000Z`\n3. window_hours: `168`\n"));
            Assert.That(report, Does.Contain("](timeseries.svg)"));
            Assert.That(report, Does.Contain("## Endpoint Budget\n\n| endpoint | total | server_errors | throttled | error_budget_consumed | error_rate |"));
            Assert.That(report, Does.EndWith("|\n"));
            Assert.That(sampleRows, Has.Count.EqualTo(60));
            Assert.That(sampleRows[0], Does.StartWith($"| {series[0].GetProperty("bucket_utc").GetString()} | {series[0].GetProperty("endpoint").GetString()} |"), "newest first");
            Assert.That(sampleRows[^1], Does.StartWith($"| {series[59].GetProperty("bucket_utc").GetString()} |"));
            Assert.That(chart.Descendants(svg + "polyline").Count(), Is.EqualTo(6), "3 endpoints x 2 panels");
            Assert.That(texts, Does.Contain("Requests per hour").And.Contain("p95 latency (ms)").And.Contain("hour (UTC)"));
            Assert.That(texts, Does.Contain("recall").And.Contain("recall_text").And.Contain("write"));
        });
    }

    [Test]
    public async Task The_dashboard_counts_the_tenants_keys_quota_and_scoped_data_plane_rows()
    {
        await Db.AddKeyAsync("acme", "ak_live_a1", Now.AddDays(-3));
        await Db.AddKeyAsync("acme", "ak_live_a2", Now.AddDays(-3), status: "revoked");
        await Db.ExecuteAsync("""
            INSERT INTO control_tenant_quotas (tenant_id, recall_rps, recall_burst, write_rps, write_burst, write_max_wait_ms,
              debug_embed_rps, debug_embed_burst, recall_text_embed_rps, recall_text_embed_burst, recall_text_embed_max_wait_ms)
            VALUES ('acme', 10, 20, 5, 10, 100, 1, 2, 3, 4, 50)
            """);
        await Db.ExecuteAsync("INSERT INTO memory_nodes (scope) VALUES ('tenant:acme::scope:a'), ('tenant:acme::scope:b'), ('tenant:acmex::scope:a'), ('plain')");
        await Db.ExecuteAsync("INSERT INTO memory_rule_defs (scope, state) VALUES ('tenant:acme::scope:a', 'active'), ('tenant:acme::scope:a', 'draft')");
        await Db.ExecuteAsync("INSERT INTO memory_commits (scope, created_at) VALUES ('tenant:acme::scope:a', $1), ('tenant:acme::scope:a', $2)", Now.AddHours(-1), Now.AddHours(-30));
        await Db.ExecuteAsync("""
            INSERT INTO memory_outbox (scope, published_at, attempts, failed_at) VALUES
              ('tenant:acme::scope:a', NULL, 0, NULL), ('tenant:acme::scope:a', NULL, 2, NULL), ('tenant:acme::scope:a', $1, 1, $1)
            """, Now.AddHours(-1));

        var dashboard = WorkerHarness.SummaryJson(await Worker.RunAsync("hosted-tenant-timeseries-export",
            new Dictionary<string, object?> { ["tenant-id"] = "acme" })).GetProperty("dashboard");

        Assert.Multiple(() =>
        {
            Assert.That(dashboard.GetProperty("tenant").GetProperty("status").GetString(), Is.EqualTo("active"));
            Assert.That(dashboard.GetProperty("default_tenant_id").GetString(), Is.EqualTo("default"));
            Assert.That(dashboard.GetProperty("api_keys").GetProperty("active").GetInt64(), Is.EqualTo(1));
            Assert.That(dashboard.GetProperty("api_keys").GetProperty("revoked").GetInt64(), Is.EqualTo(1));
            Assert.That(dashboard.GetProperty("quota_profile").GetProperty("recall_rps").GetDouble(), Is.EqualTo(10));
            Assert.That(dashboard.GetProperty("quota_profile").GetProperty("created_at").GetString(), Does.EndWith("Z"));
            Assert.That(dashboard.GetProperty("data_plane").GetProperty("nodes").GetInt64(), Is.EqualTo(2), "tenant:acmex is another tenant");
            Assert.That(dashboard.GetProperty("data_plane").GetProperty("active_rules").GetInt64(), Is.EqualTo(1));
            Assert.That(dashboard.GetProperty("data_plane").GetProperty("commits_24h").GetInt64(), Is.EqualTo(1));
            Assert.That(dashboard.GetProperty("outbox").GetProperty("pending").GetInt64(), Is.EqualTo(2));
            Assert.That(dashboard.GetProperty("outbox").GetProperty("retrying").GetInt64(), Is.EqualTo(1));
            Assert.That(dashboard.GetProperty("outbox").GetProperty("failed").GetInt64(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Every_active_tenant_gets_its_own_export_with_star_and_a_dry_run_changes_nothing()
    {
        await Db.AddTenantAsync("acme");
        await Db.AddTenantAsync("beta");
        await Db.AddTenantAsync("gone", status: "suspended");
        await Db.AddVariedTelemetryAsync("beta", Now.AddHours(-3), TimeSpan.FromMinutes(1), 120);
        var before = await Db.ControlPlaneFingerprintAsync();

        var result = await Worker.RunAsync("hosted-tenant-timeseries-export",
            new Dictionary<string, object?> { ["tenant-id"] = "*", ["run-id"] = "fan" }, dryRun: true);

        var summary = WorkerHarness.SummaryJson(result);
        var after = await Db.ControlPlaneFingerprintAsync();
        var beta = JsonDocument.Parse(File.ReadAllText(Path.Combine(Worker.ArtifactsRoot, "artifacts", "hosted_timeseries", "beta_fan.dry-run", "summary.json"))).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("tenant_count").GetInt32(), Is.EqualTo(2));
            Assert.That(Directory.Exists(Path.Combine(Worker.ArtifactsRoot, "artifacts", "hosted_timeseries", "acme_fan.dry-run")));
            Assert.That(Directory.Exists(Path.Combine(Worker.ArtifactsRoot, "artifacts", "hosted_timeseries", "gone_fan.dry-run")), Is.False);
            Assert.That(beta.GetProperty("tenant_id").GetString(), Is.EqualTo("beta"));
            Assert.That(beta.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(beta.GetProperty("budget").EnumerateArray().Sum(b => b.GetProperty("total").GetInt64()), Is.EqualTo(120));
            Assert.That(after, Is.EqualTo(before));
        });
    }

    [Test]
    public async Task A_missing_telemetry_table_gives_ok_false_with_the_reference_warning()
    {
        await Db.ExecuteAsync("DROP TABLE memory_request_telemetry");

        var summary = WorkerHarness.SummaryJson(await Worker.RunAsync("hosted-tenant-timeseries-export", new Dictionary<string, object?> { ["tenant-id"] = "acme" }));

        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("warning").GetString(), Is.EqualTo("request_telemetry_table_missing"));
            Assert.That(summary.GetProperty("series").GetArrayLength(), Is.EqualTo(0));
            Assert.That(summary.GetProperty("dashboard").GetProperty("api_keys").GetProperty("active").GetInt64(), Is.EqualTo(0));
        });
    }

    /// <summary>The hourly rows computed another way: the bucket as text of the UTC wall-clock hour, percentiles one by one.</summary>
    private async Task<List<Dictionary<string, object?>>> IndependentHourlyRowsAsync(string tenant, DateTimeOffset since) =>
        await Db.RowsAsync("""
            SELECT to_char(date_trunc('hour', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS bucket,
                   endpoint, count(*) AS total,
                   sum(CASE WHEN status_code >= 500 THEN 1 ELSE 0 END)::bigint AS server_errors,
                   sum(CASE WHEN status_code = 429 THEN 1 ELSE 0 END)::bigint AS throttled,
                   sum(CASE WHEN status_code BETWEEN 400 AND 499 AND status_code <> 429 THEN 1 ELSE 0 END)::bigint AS client_errors,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
              FROM memory_request_telemetry
             WHERE tenant_id = $1 AND created_at >= $2
             GROUP BY 1, 2 ORDER BY 1 DESC, 2
            """, tenant, since);
}
