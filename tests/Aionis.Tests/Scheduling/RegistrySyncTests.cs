using Aionis.Jobs.Alerts;
using Aionis.Jobs.Framework;
using Aionis.Tests.Support;
using Aionis.Worker.Hosting;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Quartz;

namespace Aionis.Tests.Scheduling;

/// <summary>Sync, not overwrite: add, change and remove are applied; unchanged triggers are left alone.</summary>
public sealed class RegistrySyncTests
{
    private const string Sla = "hosted-key-rotation-sla";
    private TestDatabase _db = null!;

    [SetUp]
    public async Task SetUp() => _db = await TestDatabase.CreateAsync();

    [TearDown]
    public async Task TearDown() => await _db.DisposeAsync();

    private static string Registry(params string[] tasks) => "version: 1\ntasks:\n" + string.Concat(tasks);

    private static string Task(string id, string schedule = "0 6 * * *", string inputs = "", bool enabled = true) =>
        $"  - id: {id}\n    job: {Sla}\n    owner: ops\n    description: {id}\n    schedule: \"{schedule}\"\n    enabled: {(enabled ? "true" : "false")}\n" +
        $"    permissions: [read:control_plane]\n{(inputs.Length > 0 ? "    inputs:\n" + inputs : "")}";

    private Task<string> TriggerRowsAsync() => _db.FingerprintAsync("worker.qrtz_triggers", "worker.qrtz_cron_triggers");

    [Test]
    public async Task The_job_store_statements_of_a_sync_run_prepared_on_its_connection()
    {
        await using var scheduler = await SchedulerHarness.CreateAsync(_db);
        await scheduler.Synchronizer.SyncAsync(scheduler.Scheduler,
            SchedulerHarness.Parse(Registry(Task("one"), Task("two"), Task("three"))), CancellationToken.None);

        // The sync's connection is back in its pool, the only one there: the next one is the same session, with what it prepared.
        await using var connection = await scheduler.EnlistedDataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT statement FROM pg_prepared_statements", connection);
        var prepared = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) prepared.Add(reader.GetString(0));
        }
        Assert.That(prepared, Has.Some.Contains("INSERT INTO worker.qrtz_JOB_DETAILS").And.Some.Contains("INSERT INTO worker.qrtz_TRIGGERS"));
    }

    [Test]
    public async Task Added_changed_and_removed_tasks_are_applied_and_recorded()
    {
        await using var scheduler = await SchedulerHarness.CreateAsync(_db);
        await scheduler.Synchronizer.SyncAsync(scheduler.Scheduler,
            SchedulerHarness.Parse(Registry(Task("keep"), Task("reschedule"), Task("drop"))), CancellationToken.None);

        var plan = await scheduler.Synchronizer.SyncAsync(scheduler.Scheduler,
            SchedulerHarness.Parse(Registry(Task("keep"), Task("reschedule", "15 7 * * *"), Task("fresh", "@hourly"))), CancellationToken.None);

        var jobs = await _db.RowsAsync("SELECT job_name FROM worker.qrtz_job_details WHERE job_group = 'registry' ORDER BY job_name");
        var cron = await _db.ScalarAsync<string>("SELECT cron_expression FROM worker.qrtz_cron_triggers WHERE trigger_name = 'reschedule'");
        var syncs = await _db.RowsAsync("SELECT accepted, added, changed, removed FROM worker.registry_syncs ORDER BY id");
        Assert.Multiple(() =>
        {
            Assert.That(plan.Added.Select(t => t.Id), Is.EqualTo(new[] { "fresh" }));
            Assert.That(plan.Changed.Select(c => c.Task.Id), Is.EqualTo(new[] { "reschedule" }));
            Assert.That(plan.Removed, Is.EqualTo(new[] { "drop" }));
            Assert.That(plan.Unchanged, Is.EqualTo(1));
            Assert.That(jobs.Select(r => r["job_name"]), Is.EqualTo(new[] { "fresh", "keep", "reschedule" }));
            Assert.That(cron, Is.EqualTo("0 15 7 * * ?"));
            Assert.That(syncs, Has.Count.EqualTo(2));
            Assert.That(syncs[1]["added"], Is.EqualTo(new[] { "fresh" }));
            Assert.That(syncs[1]["changed"], Is.EqualTo(new[] { "reschedule" }));
            Assert.That(syncs[1]["removed"], Is.EqualTo(new[] { "drop" }));
        });
    }

    [Test]
    public async Task An_unchanged_registry_after_a_restart_touches_no_trigger_row()
    {
        var registry = Registry(Task("sla_daily"), Task("sla_hourly", "@hourly"));
        await using (var first = await SchedulerHarness.CreateAsync(_db, "node-before-restart"))
        {
            await first.Synchronizer.SyncAsync(first.Scheduler, SchedulerHarness.Parse(registry), CancellationToken.None);
        }
        var before = await TriggerRowsAsync();
        var nextFire = await _db.ScalarAsync<long>("SELECT next_fire_time FROM worker.qrtz_triggers WHERE trigger_name = 'sla_daily'");

        await using var second = await SchedulerHarness.CreateAsync(_db, "node-after-restart");
        var plan = await second.Synchronizer.SyncAsync(second.Scheduler, SchedulerHarness.Parse(registry), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(plan.IsEmpty, Is.True);
            Assert.That(await TriggerRowsAsync(), Is.EqualTo(before));
            Assert.That(await _db.ScalarAsync<long>("SELECT next_fire_time FROM worker.qrtz_triggers WHERE trigger_name = 'sla_daily'"), Is.EqualTo(nextFire));
        });
    }

    [Test]
    public async Task A_change_of_inputs_only_keeps_the_next_fire_time()
    {
        await using var scheduler = await SchedulerHarness.CreateAsync(_db);
        await scheduler.Synchronizer.SyncAsync(scheduler.Scheduler, SchedulerHarness.Parse(Registry(Task("sla", inputs: "      max_age_days: 30\n"))), CancellationToken.None);
        var before = await TriggerRowsAsync();

        var plan = await scheduler.Synchronizer.SyncAsync(scheduler.Scheduler, SchedulerHarness.Parse(Registry(Task("sla", inputs: "      max_age_days: 14\n"))), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(plan.Changed.Single().DefinitionChanged, Is.True);
            Assert.That(plan.Changed.Single().TriggerChanged, Is.False);
            Assert.That(await TriggerRowsAsync(), Is.EqualTo(before));
            Assert.That(await _db.ScalarAsync<string>("SELECT convert_from(job_data, 'UTF8') FROM worker.qrtz_job_details WHERE job_name = 'sla'"), Does.Contain("14"));
        });
    }

    [Test]
    public async Task A_disabled_task_is_declared_without_a_trigger()
    {
        await using var scheduler = await SchedulerHarness.CreateAsync(_db);
        await scheduler.Synchronizer.SyncAsync(scheduler.Scheduler, SchedulerHarness.Parse(Registry(Task("later", enabled: false))), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(await _db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_job_details WHERE job_name = 'later'"), Is.EqualTo(1));
            Assert.That(await _db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_triggers WHERE job_name = 'later'"), Is.EqualTo(0));
            Assert.That(await _db.ScalarAsync<long>("SELECT count(*) FROM worker.task_status WHERE task_id = 'later' AND next_fire_time IS NULL"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_rejected_file_changes_nothing_and_is_recorded()
    {
        var (path, env) = await SyncedThroughTheCliAsync();
        var before = await ScheduleAsync();

        await File.WriteAllTextAsync(path, Registry(Task("sla", "0 99 * * *")));
        var result = await AionisCli.RunAsync(["registry", "sync", "--registry", path], env);

        var rejected = (await _db.RowsAsync("SELECT accepted, errors::text AS errors FROM worker.registry_syncs ORDER BY id DESC LIMIT 1")).Single();
        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64));
            Assert.That(await ScheduleAsync(), Is.EqualTo(before));
            Assert.That(rejected["accepted"], Is.False);
            Assert.That((string)rejected["errors"]!, Does.Contain("task_registry.yml:7:15: task 'sla': schedule"));
        });
    }

    private Task<string> ScheduleAsync() => _db.FingerprintAsync("worker.qrtz_job_details", "worker.qrtz_triggers", "worker.qrtz_cron_triggers");

    /// <summary>A registry of one task, synced with <c>aionis registry sync</c>; the test then edits the file.</summary>
    private async Task<(string Path, Dictionary<string, string?> Env)> SyncedThroughTheCliAsync()
    {
        var dir = Directory.CreateTempSubdirectory("aionis-sync-").FullName;
        var path = Path.Combine(dir, "task_registry.yml");
        await File.WriteAllTextAsync(path, Registry(Task("sla")));
        var env = AionisCli.EnvFor(_db, dir);
        Assert.That((await AionisCli.RunAsync(["registry", "sync", "--registry", path], env)).ExitCode, Is.EqualTo(0));
        return (path, env);
    }

    [Test]
    public async Task A_trigger_that_cannot_be_scheduled_rejects_the_whole_sync_and_applies_nothing()
    {
        await using var scheduler = await SchedulerHarness.CreateAsync(_db);
        await scheduler.Synchronizer.SyncAsync(scheduler.Scheduler, SchedulerHarness.Parse(Registry(Task("keep"), Task("drop"))), CancellationToken.None);
        var before = await ScheduleAsync();
        // Valid when it was read, but its only date has passed by the time it is synced (the loader checks with its own clock).
        var read = SchedulerHarness.Parse(Registry(Task("keep", "0 7 * * *"), Task("fresh")));
        var registry = read with { Tasks = read.Tasks.Select(t => t.Id == "keep" ? t with { Schedule = "0 0 0 1 1 ? 2020" } : t).ToList() };

        var e = (await Assert.ThrowsAsync<RegistryInvalidException>(() => scheduler.Synchronizer.SyncAsync(scheduler.Scheduler, registry, CancellationToken.None)))!;

        var last = (await _db.RowsAsync("SELECT accepted, added, errors::text AS errors FROM worker.registry_syncs ORDER BY id DESC LIMIT 1")).Single();
        Assert.Multiple(async () =>
        {
            Assert.That(e.Errors.Select(x => x.ToString()), Is.EqualTo(new[] { "task_registry.yml:3:5: task 'keep': schedule: '0 0 0 1 1 ? 2020' never fires from now on in UTC" }));
            Assert.That(await ScheduleAsync(), Is.EqualTo(before), "neither the new task, nor the removal, nor any change is applied");
            Assert.That(last["accepted"], Is.False);
            Assert.That(last["added"], Is.Empty);
            Assert.That((string)last["errors"]!, Does.Contain("never fires"));
        });
    }

    [Test]
    public async Task Registry_sync_of_a_new_task_beside_one_that_never_fires_adds_nothing_and_exits_64()
    {
        var (path, env) = await SyncedThroughTheCliAsync();
        var before = await ScheduleAsync();

        await File.WriteAllTextAsync(path, Registry(Task("sla"), Task("fresh"), Task("february_30", "0 0 30 2 *")));
        var validate = await AionisCli.RunAsync(["registry", "validate", "--registry", path], env);
        var sync = await AionisCli.RunAsync(["registry", "sync", "--registry", path], env);

        var last = (await _db.RowsAsync("SELECT accepted, errors::text AS errors FROM worker.registry_syncs ORDER BY id DESC LIMIT 1")).Single();
        Assert.Multiple(async () =>
        {
            Assert.That(validate.ExitCode, Is.EqualTo(64));
            Assert.That(validate.Stderr, Does.Contain("task_registry.yml:21:15: task 'february_30': schedule: '0 0 30 2 *' never fires"));
            Assert.That(sync.ExitCode, Is.EqualTo(64));
            Assert.That(await ScheduleAsync(), Is.EqualTo(before));
            Assert.That(last["accepted"], Is.False);
            Assert.That((string)last["errors"]!, Does.Contain("never fires"));
        });
    }

    [TestCase("worker.qrtz_job_details", "job_name = 'drop'", TestName = "A sync whose removal fails applies nothing, leaves a rejected row and an operator alert")]
    [TestCase("worker.qrtz_triggers", "trigger_name = 'switch_off'", TestName = "A sync whose disabling fails applies nothing, leaves a rejected row and an operator alert")]
    public async Task A_sync_that_fails_after_its_additions_applies_none_of_them(string refusingTable, string refusedRow)
    {
        await using var scheduler = await SchedulerHarness.CreateAsync(_db);
        await scheduler.Synchronizer.SyncAsync(scheduler.Scheduler,
            SchedulerHarness.Parse(Registry(Task("keep"), Task("reschedule"), Task("switch_off"), Task("drop"))), CancellationToken.None);
        await scheduler.Scheduler.PauseTrigger(ScheduleKeys.Trigger("reschedule"));
        var before = await ScheduleAsync();
        var nextFires = await _db.RowsAsync("SELECT trigger_name, next_fire_time, trigger_state FROM worker.qrtz_triggers ORDER BY trigger_name");
        // A real refusal of the database at the step after the additions and changes were written.
        await _db.ExecuteAsync($"""
            CREATE FUNCTION worker.test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test fault: refused'; END $$;
            CREATE TRIGGER test_refuse BEFORE DELETE ON {refusingTable} FOR EACH ROW WHEN (OLD.{refusedRow}) EXECUTE FUNCTION worker.test_refuse();
            """);
        var path = Path.Combine(Directory.CreateTempSubdirectory("aionis-sync-fault-").FullName, "task_registry.yml");
        await File.WriteAllTextAsync(path,
            Registry(Task("keep"), Task("reschedule", "15 7 * * *"), Task("switch_off", enabled: false), Task("fresh", "@hourly")));
        var sync = new RegistrySyncService(new RegistryFile(path), scheduler.Synchronizer, scheduler.Get<ISchedulerFactory>(), JobCatalog.Default,
            new ConfigurationBuilder().Build(), scheduler.Get<OperatorAlerts>(), TimeProvider.System, NullLogger<RegistrySyncService>.Instance);

        var accepted = await sync.SyncAsync(CancellationToken.None);

        var last = (await _db.RowsAsync("SELECT accepted, added, changed, removed, errors::text AS errors FROM worker.registry_syncs ORDER BY id DESC LIMIT 1")).Single();
        var alerts = await _db.RowsAsync("SELECT kind FROM worker.operator_alerts WHERE resolved_at IS NULL");
        Assert.Multiple(async () =>
        {
            Assert.That(accepted, Is.False);
            Assert.That(await ScheduleAsync(), Is.EqualTo(before), "no addition, change, disabling or removal is left applied");
            Assert.That(await _db.RowsAsync("SELECT trigger_name, next_fire_time, trigger_state FROM worker.qrtz_triggers ORDER BY trigger_name"),
                Is.EqualTo(nextFires), "same next fire times, the paused trigger paused again");
            Assert.That(last["accepted"], Is.False);
            Assert.That(last["added"], Is.Empty);
            Assert.That((string)last["errors"]!, Does.Contain("nothing of it was applied").And.Contain("test fault: refused"));
            Assert.That(alerts.Select(a => (string)a["kind"]!), Is.EqualTo(new[] { "registry_rejected" }), "the operator alert of a rejected registry");
        });
    }

    [Test]
    public async Task While_a_sync_is_being_applied_others_see_the_previous_schedule_and_then_the_whole_new_one()
    {
        await using var scheduler = await SchedulerHarness.CreateAsync(_db);
        await scheduler.Synchronizer.SyncAsync(scheduler.Scheduler,
            SchedulerHarness.Parse(Registry(Task("keep"), Task("reschedule"), Task("switch_off"), Task("drop"))), CancellationToken.None);
        var before = await ScheduleAsync();
        // The removal, the sync's last write, waits for an advisory lock this test holds: the sync stops with its
        // addition, change and disabling already written, and another connection looks at the schedule meanwhile.
        const int Gate = 7414;
        await _db.ExecuteAsync($"""
            CREATE FUNCTION worker.test_gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock({Gate}); RETURN OLD; END $$;
            CREATE TRIGGER test_gate BEFORE DELETE ON worker.qrtz_job_details FOR EACH ROW WHEN (OLD.job_name = 'drop') EXECUTE FUNCTION worker.test_gate();
            """);
        await using var gate = await _db.DataSource.OpenConnectionAsync();
        await using (var hold = new NpgsqlCommand($"SELECT pg_advisory_lock({Gate})", gate)) await hold.ExecuteNonQueryAsync();

        var syncing = scheduler.Synchronizer.SyncAsync(scheduler.Scheduler,
            SchedulerHarness.Parse(Registry(Task("keep"), Task("reschedule", "15 7 * * *"), Task("switch_off", enabled: false), Task("fresh", "@hourly"))),
            CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await _db.ScalarAsync<long>($"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = {Gate} AND NOT granted") == 0)
        {
            Assert.That(syncing.IsCompleted, Is.False, "the sync reached its removal");
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out waiting for the sync to reach its removal");
            await System.Threading.Tasks.Task.Delay(50);
        }
        var meanwhile = await ScheduleAsync();
        var syncRowsMeanwhile = await _db.ScalarAsync<long>("SELECT count(*) FROM worker.registry_syncs");
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({Gate})", gate)) await release.ExecuteNonQueryAsync();
        var plan = await syncing;

        var triggers = await _db.RowsAsync("SELECT trigger_name FROM worker.qrtz_triggers ORDER BY trigger_name");
        var last = (await _db.RowsAsync("SELECT accepted, added FROM worker.registry_syncs ORDER BY id DESC LIMIT 1")).Single();
        Assert.Multiple(async () =>
        {
            Assert.That(meanwhile, Is.EqualTo(before), "half way through, the addition, change and disabling are not visible to anyone else");
            Assert.That(syncRowsMeanwhile, Is.EqualTo(1), "nor is the new sync row");
            Assert.That(plan.Added.Select(t => t.Id), Is.EqualTo(new[] { "fresh" }));
            Assert.That(triggers.Select(t => (string)t["trigger_name"]!), Is.EqualTo(new[] { "fresh", "keep", "reschedule" }), "then all of it is");
            Assert.That(await _db.ScalarAsync<string>("SELECT cron_expression FROM worker.qrtz_cron_triggers WHERE trigger_name = 'reschedule'"), Is.EqualTo("0 15 7 * * ?"));
            Assert.That(await _db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_job_details WHERE job_name = 'drop'"), Is.EqualTo(0));
            Assert.That(last["accepted"], Is.True);
        });
    }
}
