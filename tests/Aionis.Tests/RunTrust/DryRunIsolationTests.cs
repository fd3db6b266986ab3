using System.Security.Cryptography;
using Aionis.Data.History;
using Aionis.Jobs.Framework;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.RunTrust;

/// <summary>
/// A dry run changes nothing live runs or operators see: its output files go beside the live ones, and the status views
/// and the overdue check count live runs only.
/// </summary>
public sealed class DryRunIsolationTests : DatabaseJobTest
{
    private static readonly DateTimeOffset Day = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);
    protected override DateTimeOffset Now => Day;

    [Test]
    public async Task A_dry_run_writes_its_out_file_beside_the_live_one_and_leaves_the_live_file_and_tables_untouched()
    {
        await Db.AddTenantAsync("acme");
        await Db.AddKeyAsync("acme", "ak_old", Day.AddDays(-90));
        var options = new Dictionary<string, object?> { ["out"] = "backups/summaries/{date}.json" };
        var live = await Worker.RunAsync("hosted-key-rotation-sla", options, taskId: "key_rotation_sla");
        var liveFile = Path.Combine(Worker.ArtifactsRoot, "backups", "summaries", "2026-12-01.json");
        var liveBytes = SHA256.HashData(await File.ReadAllBytesAsync(liveFile));

        await Db.AddKeyAsync("acme", "ak_older", Day.AddDays(-120));
        var tables = await WorkerTablesAsync();
        var controlPlane = await Db.ControlPlaneFingerprintAsync();
        var dry = await Worker.RunAsync("hosted-key-rotation-sla", options, dryRun: true, taskId: "key_rotation_sla");
        var dryFile = Path.Combine(Worker.ArtifactsRoot, "backups", "summaries", "2026-12-01.dry-run.json");

        Assert.Multiple(async () =>
        {
            Assert.That(live.Status, Is.EqualTo(RunStatus.Succeeded));
            Assert.That(dry.Status, Is.EqualTo(RunStatus.Succeeded));
            Assert.That(SHA256.HashData(await File.ReadAllBytesAsync(liveFile)), Is.EqualTo(liveBytes), "the live summary is not overwritten");
            Assert.That(await File.ReadAllTextAsync(dryFile), Does.Contain("ak_older"), "the dry run's summary is beside it");
            Assert.That(await Db.ControlPlaneFingerprintAsync(), Is.EqualTo(controlPlane));
            Assert.That(await WorkerTablesAsync(), Is.EqualTo(tables), "no alert, pause or sync row from a dry run");
            Assert.That(await Db.ScalarAsync<string>("SELECT artifacts->>'summary_json' FROM worker.job_runs WHERE run_id = $1", dry.RunId),
                Is.EqualTo(dryFile));
        });
    }

    [Test]
    public void The_dry_run_form_of_a_path_keeps_its_folder_and_extension_and_is_never_applied_twice()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OutputPaths.DryRunForm("/a/backups/summaries/2026-12-01.json"), Is.EqualTo("/a/backups/summaries/2026-12-01.dry-run.json"));
            Assert.That(OutputPaths.DryRunForm("/a/hosted_timeseries/acme_1/"), Is.EqualTo("/a/hosted_timeseries/acme_1.dry-run"));
            Assert.That(OutputPaths.DryRunForm("/a/bundle.dry-run/key_rotation_sla.json"), Is.EqualTo("/a/bundle.dry-run/key_rotation_sla.json"));
            Assert.That(new JobContext { RunId = Guid.Empty, ArtifactsRoot = "/r" }.ResolveOutputPath("x/out.json"), Is.EqualTo("/r/x/out.json"));
            Assert.That(new JobContext { RunId = Guid.Empty, ArtifactsRoot = "/r", DryRun = true }.ResolveOutputPath("x/out.json"), Is.EqualTo("/r/x/out.dry-run.json"));
        });
    }

    [Test]
    public async Task Task_status_counts_live_runs_only_and_shows_dry_runs_and_gate_verdicts_in_their_own_columns()
    {
        await Db.ExecuteAsync("""
            INSERT INTO worker.qrtz_job_details (sched_name, job_name, job_group, job_class_name, is_durable, is_nonconcurrent, is_update_data, requests_recovery)
            VALUES ('aionis', 'nightly', 'registry', 'TaskJob', true, false, false, false)
            """);
        var now = DateTimeOffset.UtcNow;
        var liveSuccess = await AddRunAsync("succeeded", dryRun: false, now.AddHours(-30), durationMs: 100);
        var gate = await AddRunAsync("gate_failed", dryRun: false, now.AddHours(-20), durationMs: 200, error: "2 active keys older than 30 days");
        var dryFailure = await AddRunAsync("failed", dryRun: true, now.AddHours(-10), durationMs: 90_000, error: "boom");
        var drySuccess = await AddRunAsync("succeeded", dryRun: true, now.AddHours(-1), durationMs: 90_000);

        var status = (await Db.RowsAsync("SELECT * FROM worker.task_status WHERE task_id = 'nightly'")).Single();
        var failures = await Db.RowsAsync("SELECT run_id, dry_run, error FROM worker.recent_failures ORDER BY started_at");

        Assert.Multiple(() =>
        {
            Assert.That(status["last_run_id"], Is.EqualTo(gate), "the last live run, not the later dry ones");
            Assert.That(status["last_status"], Is.EqualTo("gate_failed"));
            Assert.That(((DateTime)status["last_success_at"]!), Is.EqualTo(now.AddHours(-30).AddMilliseconds(100).UtcDateTime).Within(TimeSpan.FromMilliseconds(1)),
                "a dry run's success does not hide an overdue task");
            Assert.That(status["last_failure_at"], Is.Null);
            Assert.That(status["runs_7d"], Is.EqualTo(2L));
            Assert.That(status["failures_7d"], Is.EqualTo(0L));
            Assert.That(status["gate_failed_7d"], Is.EqualTo(1L));
            Assert.That(status["p95_duration_ms_7d"], Is.EqualTo(195.0), "dry runs' 90 s do not count");
            Assert.That(status["last_dry_run_id"], Is.EqualTo(drySuccess));
            Assert.That(status["last_dry_run_status"], Is.EqualTo("succeeded"));
            Assert.That(status["dry_runs_7d"], Is.EqualTo(2L));
            Assert.That(failures.Select(f => (f["run_id"], f["dry_run"], f["error"])), Is.EqualTo(new[]
            {
                ((object?)gate, (object?)false, (object?)"2 active keys older than 30 days"),
                (dryFailure, true, "boom"),
            }));
            Assert.That(liveSuccess, Is.Not.EqualTo(Guid.Empty));
        });
    }

    [Test]
    public async Task A_gate_verdict_is_recorded_with_its_reason()
    {
        await Db.AddTenantAsync("acme");
        await Db.AddKeyAsync("acme", "ak_old", Day.AddDays(-90));

        var run = await Worker.RunAsync("hosted-key-rotation-sla", new Dictionary<string, object?> { ["strict"] = null }, taskId: "key_rotation_sla");

        Assert.Multiple(async () =>
        {
            Assert.That(run.Status, Is.EqualTo(RunStatus.GateFailed));
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(await Db.ScalarAsync<string>("SELECT error FROM worker.recent_failures WHERE run_id = $1", run.RunId),
                Is.EqualTo("1 active keys older than 30 days"));
        });
    }

    private Task<string> WorkerTablesAsync() => Db.FingerprintAsync(
        "worker.operator_alerts", "worker.task_pauses", "worker.registry_syncs", "worker.qrtz_job_details", "worker.qrtz_triggers");

    private async Task<Guid> AddRunAsync(string status, bool dryRun, DateTimeOffset startedAt, long durationMs, string? error = null)
    {
        var id = Guid.CreateVersion7();
        await Db.ExecuteAsync("""
            INSERT INTO worker.job_runs (run_id, task_id, job, trigger, dry_run, status, started_at, finished_at, duration_ms, node, attempt, inputs, error)
            VALUES ($1, 'nightly', 'hosted-key-rotation-sla', 'schedule', $2, $3, $4, $4 + make_interval(secs => $5 / 1000.0), $5, 'n', 1, '{}', $6)
            """, id, dryRun, status, startedAt, durationMs, error);
        return id;
    }
}
