using System.Text.Json;
using Aionis.Tests.Support;
using Npgsql;

namespace Aionis.Tests.Scheduling;

/// <summary>The daemon end to end: a real `aionis serve` process on a test database.</summary>
public sealed class ServeTests : BinaryTest
{
    [SetUp]
    public async Task ArrangeAsync()
    {
        await Db.AddKeyAsync("acme", "ak_live_stale", DateTimeOffset.UtcNow.AddDays(-40));
    }

    private Task WriteRegistryAsync(string schedule) => KeyRotationRegistry.WriteAsync(RegistryPath, schedule, "inputs: { strict: true }");

    private Task<bool> SyncedAsync() => Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)");

    [Test]
    public async Task A_scheduled_fire_is_recorded_with_trigger_schedule_and_the_gate_verdict()
    {
        await WriteRegistryAsync("0/2 * * * * ?");
        await using var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir);

        // A fire that finds the previous run still going is recorded skipped (overlap: skip, the default), as on a busy machine.
        await serve.WaitUntilAsync(async () => await Db.ScalarAsync<long>(
            "SELECT count(*) FROM worker.job_runs WHERE task_id = 'key_rotation_sla' AND trigger = 'schedule' AND status NOT IN ('running', 'skipped')") >= 2,
            TimeSpan.FromSeconds(45), "two scheduled runs");

        var run = (await Db.RowsAsync("""
            SELECT status, exit_code, ok, node, registry_hash, scheduled_for, triggered_by FROM worker.job_runs
            WHERE task_id = 'key_rotation_sla' AND trigger = 'schedule' AND status NOT IN ('running', 'skipped') ORDER BY started_at LIMIT 1
            """)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(run["status"], Is.EqualTo("gate_failed"));
            Assert.That(run["exit_code"], Is.EqualTo(2));
            Assert.That(run["ok"], Is.False);
            Assert.That(run["node"], Is.EqualTo("node-a"));
            Assert.That(run["registry_hash"], Is.Not.Null);
            Assert.That(run["scheduled_for"], Is.Not.Null);
            Assert.That(run["triggered_by"], Is.EqualTo("schedule"));
        });
    }

    [Test]
    public async Task Run_enqueue_is_executed_by_the_running_daemon_with_trigger_enqueued()
    {
        await WriteRegistryAsync("0 6 * * *");
        await using var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir);
        await serve.WaitUntilAsync(SyncedAsync, TimeSpan.FromSeconds(30), "the first sync");

        var enqueue = await AionisCli.RunAsync(["run", "key_rotation_sla", "--enqueue", "--dry-run", "--registry", RegistryPath], AionisCli.EnvFor(Db, Dir));
        Assert.That(enqueue.ExitCode, Is.EqualTo(0), enqueue.Stderr);

        await serve.WaitUntilAsync(async () => await Db.ScalarAsync<long>(
            "SELECT count(*) FROM worker.job_runs WHERE task_id = 'key_rotation_sla' AND trigger = 'enqueued' AND status = 'gate_failed' AND dry_run") == 1,
            TimeSpan.FromSeconds(30), "the enqueued run");
        Assert.That(JsonDocument.Parse(enqueue.Stdout).RootElement.GetProperty("enqueued").GetBoolean(), Is.True);
    }

    [Test]
    public async Task A_daemon_killed_mid_run_leaves_a_row_that_the_next_start_marks_abandoned()
    {
        await WriteRegistryAsync("0 6 * * *");
        // The job blocks on this lock, so the run is reliably in flight when the daemon is killed.
        await using var blocker = new NpgsqlConnection(Db.ConnectionString);
        await blocker.OpenAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await using (var lockKeys = new NpgsqlCommand("LOCK TABLE control_api_keys IN ACCESS EXCLUSIVE MODE", blocker, tx))
        {
            await lockKeys.ExecuteNonQueryAsync();
        }

        await using (var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir))
        {
            await serve.WaitUntilAsync(SyncedAsync, TimeSpan.FromSeconds(30), "the first sync");
            await AionisCli.RunAsync(["run", "key_rotation_sla", "--enqueue", "--registry", RegistryPath], AionisCli.EnvFor(Db, Dir));
            await serve.WaitUntilAsync(async () => await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE status = 'running'") == 1,
                TimeSpan.FromSeconds(30), "the run to start");
            serve.KillHard();
        }
        await tx.RollbackAsync();

        await using var restarted = ServeProcess.Start(Db, RegistryPath, "node-a", Dir);
        await restarted.WaitUntilAsync(async () => await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE status = 'abandoned'") >= 1,
            TimeSpan.FromSeconds(30), "the interrupted run to be marked abandoned");
        var row = (await Db.RowsAsync("SELECT node, error, finished_at FROM worker.job_runs WHERE status = 'abandoned'")).First();
        Assert.Multiple(() =>
        {
            Assert.That(row["node"], Is.EqualTo("node-a"));
            Assert.That((string)row["error"]!, Does.Contain("stopped before the run finished"));
            Assert.That(row["finished_at"], Is.Not.Null);
        });
    }

    [Test]
    public async Task A_dry_run_and_a_real_run_differ_only_in_dry_run_and_the_control_plane_is_untouched()
    {
        await WriteRegistryAsync("0 6 * * *");
        var env = AionisCli.EnvFor(Db, Dir);
        var before = await Db.ControlPlaneFingerprintAsync();

        var dry = await AionisCli.RunAsync(["run", "key_rotation_sla", "--dry-run", "--json", "--registry", RegistryPath], env);
        var afterDry = await Db.ControlPlaneFingerprintAsync();
        var real = await AionisCli.RunAsync(["run", "key_rotation_sla", "--json", "--registry", RegistryPath], env);

        var rows = await Db.RowsAsync("""
            SELECT dry_run, task_id, job, trigger, status, exit_code, ok, inputs::text AS inputs,
                   summary->'stale_count' AS stale, planned_actions::text AS actions
            FROM worker.job_runs ORDER BY started_at
            """);
        Assert.Multiple(() =>
        {
            Assert.That(dry.ExitCode, Is.EqualTo(2), dry.Stderr);
            Assert.That(real.ExitCode, Is.EqualTo(2), real.Stderr);
            Assert.That(afterDry, Is.EqualTo(before), "a dry run must not change the control plane");
            Assert.That(rows, Has.Count.EqualTo(2));
            Assert.That(rows[0]["dry_run"], Is.True);
            Assert.That(rows[1]["dry_run"], Is.False);
            foreach (var column in new[] { "task_id", "job", "trigger", "status", "exit_code", "ok", "inputs", "stale" })
            {
                Assert.That(rows[1][column]?.ToString(), Is.EqualTo(rows[0][column]?.ToString()), column);
            }
        });
    }
}
