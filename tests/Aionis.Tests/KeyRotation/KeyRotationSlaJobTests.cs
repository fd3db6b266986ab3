using System.Text.Json;
using Aionis.Data.History;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.KeyRotation;

/// <summary>The key rotation SLA and its boundary cases (30/21/30), against real rows.</summary>
public sealed class KeyRotationSlaJobTests : DatabaseJobTest
{
    private static readonly DateTimeOffset Fixed = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    protected override DateTimeOffset Now => Fixed;

    [Test]
    public async Task Keys_exactly_at_the_thresholds_fall_on_the_reference_side()
    {
        await Db.AddKeyAsync("acme", "ak_live_stale35", Now.AddDays(-35));
        await Db.AddKeyAsync("acme", "ak_live_exact30", Now.AddDays(-30));
        await Db.AddKeyAsync("acme", "ak_live_warn25", Now.AddDays(-25));
        await Db.AddKeyAsync("acme", "ak_live_exact21", Now.AddDays(-21));
        await Db.AddKeyAsync("acme", "ak_live_fresh", Now.AddDays(-2));
        await Db.AddKeyAsync("acme", "ak_live_revoked", Now.AddDays(-100), status: "revoked");
        await Db.AddRotationAuditAsync("acme", Now.AddDays(-3));

        var result = await Worker.RunAsync("hosted-key-rotation-sla");
        var summary = WorkerHarness.SummaryJson(result);

        var stale = summary.GetProperty("details").GetProperty("stale").GetProperty("sample").EnumerateArray()
            .Select(k => k.GetProperty("key_prefix").GetString()).ToList();
        var warning = summary.GetProperty("details").GetProperty("warning_window").GetProperty("sample").EnumerateArray()
            .Select(k => k.GetProperty("key_prefix").GetString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(stale, Is.EqualTo(new[] { "ak_live_stale35", "ak_live_exact30" }));
            Assert.That(warning, Is.EqualTo(new[] { "ak_live_warn25", "ak_live_exact21" }));
            Assert.That(summary.GetProperty("stale_count").GetInt32(), Is.EqualTo(2));
            Assert.That(summary.GetProperty("warning_count").GetInt32(), Is.EqualTo(2));
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("details").GetProperty("stale").GetProperty("sample")[1].GetProperty("age_days").GetDouble(), Is.EqualTo(30.0));
            Assert.That(summary.GetProperty("details").GetProperty("stale").GetProperty("sample")[1].GetProperty("age_days").ValueKind, Is.EqualTo(JsonValueKind.Number));
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), "without --strict a failed SLA still exits 0");
            Assert.That(result.Status, Is.EqualTo(RunStatus.Succeeded));
        });
    }

    [Test]
    public async Task A_tenant_without_rotation_is_listed_but_does_not_fail_the_sla()
    {
        await Db.AddKeyAsync("fresh-tenant", "ak_live_new1", Now.AddDays(-1));
        await Db.AddKeyAsync("rotating", "ak_live_rot1", Now.AddDays(-5));
        await Db.AddRotationAuditAsync("rotating", Now.AddDays(-5));

        var summary = WorkerHarness.SummaryJson(await Worker.RunAsync("hosted-key-rotation-sla", new Dictionary<string, object?> { ["strict"] = null }));

        var without = summary.GetProperty("details").GetProperty("tenants_without_recent_rotation");
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("tenants_without_recent_rotation").GetInt32(), Is.EqualTo(1));
            Assert.That(without[0].GetProperty("tenant_id").GetString(), Is.EqualTo("fresh-tenant"));
            Assert.That(without[0].GetProperty("active_key_count").GetInt64(), Is.EqualTo(1));
            Assert.That(without[0].GetProperty("recent_rotation_count").GetInt64(), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task Strict_with_a_stale_key_is_a_gate_failure_with_exit_2_recorded_in_history()
    {
        await Db.AddKeyAsync("acme", "ak_live_old", Now.AddDays(-40));

        var result = await Worker.RunAsync("hosted-key-rotation-sla", new Dictionary<string, object?> { ["strict"] = null, ["max-age-days"] = "30" });

        var row = (await Db.RowsAsync("SELECT status, ok, exit_code, job, trigger, node, inputs::text AS inputs FROM worker.job_runs WHERE run_id = $1", result.RunId)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(row["status"], Is.EqualTo("gate_failed"));
            Assert.That(row["ok"], Is.False);
            Assert.That(row["exit_code"], Is.EqualTo(2));
            Assert.That(row["job"], Is.EqualTo("hosted-key-rotation-sla"));
            Assert.That(row["trigger"], Is.EqualTo("manual"));
            Assert.That(row["node"], Is.EqualTo("test-node"));
            Assert.That((string)row["inputs"]!, Does.Contain("\"max_age_days\": 30"));
        });
    }

    [Test]
    public async Task Warn_age_above_max_age_is_lowered_to_max_age_and_echoed()
    {
        var summary = WorkerHarness.SummaryJson(await Worker.RunAsync("hosted-key-rotation-sla",
            new Dictionary<string, object?> { ["max-age-days"] = "10", ["warn-age-days"] = "20" }));

        Assert.That(summary.GetProperty("thresholds").GetProperty("warn_age_days").GetInt32(), Is.EqualTo(10));
    }

    [Test]
    public async Task A_missing_control_plane_reports_schema_missing_instead_of_failing()
    {
        await Db.ExecuteAsync("DROP TABLE control_api_keys CASCADE");

        var result = await Worker.RunAsync("hosted-key-rotation-sla");
        var summary = WorkerHarness.SummaryJson(result);

        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("details").GetProperty("error").GetString(), Is.EqualTo("control_plane_schema_missing"));
        });
    }
}
