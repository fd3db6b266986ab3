using Aionis.Tests.Support;
using Aionis.Worker.Scheduling;
using Quartz;

namespace Aionis.Tests.Scale;

/// <summary>
/// The sync reads the persisted schedule with one query and writes new tasks in one Quartz transaction: what it reads
/// must be what Quartz stored, and a batch-added schedule must be the one Quartz would have built task by task.
/// </summary>
public sealed class PersistedScheduleTests
{
    private TestDatabase _db = null!;

    [SetUp]
    public async Task SetUp() => _db = await TestDatabase.CreateAsync();

    [TearDown]
    public async Task TearDown() => await _db.DisposeAsync();

    private static string Registry(int count, Func<int, string>? extra = null) => "version: 1\ndefaults:\n  permissions: [read:control_plane]\ntasks:\n" +
        string.Concat(Enumerable.Range(0, count).Select(i =>
            $"  - id: task_{i:D3}\n    job: hosted-key-rotation-sla\n    schedule: \"{i % 60} {i % 24} * * *\"\n    inputs:\n      max_age_days: {30 + i}\n{extra?.Invoke(i)}"));

    private static string Variety(int i) => (i % 5) switch
    {
        1 => "    overlap: queue\n",
        2 => "    time_zone: Europe/Berlin\n    catch_up: skip\n",
        3 => "    enabled: false\n",
        4 => "    requests_recovery: false\n",
        _ => "",
    };

    [Test]
    public async Task What_the_reader_returns_is_what_Quartz_stored_for_every_kind_of_task()
    {
        await using var harness = await SchedulerHarness.CreateAsync(_db);
        var registry = SchedulerHarness.Parse(Registry(40, Variety));
        await harness.Synchronizer.SyncAsync(harness.Scheduler, registry, CancellationToken.None);

        var persisted = await new PersistedSchedule(_db.DataSource).ReadAsync(harness.Scheduler.SchedulerName, CancellationToken.None);

        Assert.That(persisted.Keys, Is.EquivalentTo(registry.Tasks.Select(t => t.Id)));
        foreach (var task in registry.Tasks)
        {
            var stored = persisted[task.Id];
            var job = (await harness.Scheduler.GetJobDetail(ScheduleKeys.Job(task.Id)))!;
            var trigger = await harness.Scheduler.GetTrigger(ScheduleKeys.Trigger(task.Id)) as ICronTrigger;
            Assert.Multiple(() =>
            {
                Assert.That(stored.JobClass, Is.EqualTo(PersistedSchedule.JobClassName(job.JobType.Type)), task.Id);
                Assert.That(stored.RequestsRecovery, Is.EqualTo(job.RequestsRecovery), task.Id);
                Assert.That(stored.DefinitionHash, Is.EqualTo(task.Hash()), task.Id);
                Assert.That(stored.HasTrigger, Is.EqualTo(trigger is not null), task.Id);
                Assert.That(stored.CronExpression, Is.EqualTo(trigger?.CronExpressionString), task.Id);
                Assert.That(stored.TimeZone, Is.EqualTo(trigger?.TimeZone.Id), task.Id);
                Assert.That(stored.MisfireInstruction, Is.EqualTo(trigger is null ? (int?)null : (int)trigger.MisfireInstruction), task.Id);
                Assert.That(stored.NextFireTime, Is.EqualTo(trigger?.NextFireTimeUtc), task.Id);
                Assert.That(stored.HasTrigger, Is.EqualTo(task.Enabled), task.Id);
            });
        }
    }

    [Test]
    public async Task A_batch_added_registry_syncs_again_as_unchanged_and_touches_no_row()
    {
        await using var harness = await SchedulerHarness.CreateAsync(_db);
        var registry = SchedulerHarness.Parse(Registry(40, Variety));
        var first = await harness.Synchronizer.SyncAsync(harness.Scheduler, registry, CancellationToken.None);
        var before = await _db.FingerprintAsync("worker.qrtz_job_details", "worker.qrtz_triggers", "worker.qrtz_cron_triggers");

        var second = await harness.Synchronizer.SyncAsync(harness.Scheduler, registry, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(first.Added, Has.Count.EqualTo(40));
            Assert.That(second.IsEmpty, Is.True);
            Assert.That(second.Unchanged, Is.EqualTo(40));
            Assert.That(await _db.FingerprintAsync("worker.qrtz_job_details", "worker.qrtz_triggers", "worker.qrtz_cron_triggers"), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task A_task_paused_before_it_was_added_is_added_paused()
    {
        await _db.ExecuteAsync("INSERT INTO worker.task_pauses (task_id, paused_at, paused_by, reason) VALUES ('task_001', now(), 'ops', 'tenant migration')");
        await using var harness = await SchedulerHarness.CreateAsync(_db);

        await harness.Synchronizer.SyncAsync(harness.Scheduler, SchedulerHarness.Parse(Registry(3)), CancellationToken.None);

        var states = await _db.RowsAsync("SELECT trigger_name, trigger_state FROM worker.qrtz_triggers ORDER BY trigger_name");
        Assert.That(states.Select(r => $"{r["trigger_name"]} {r["trigger_state"]}"),
            Is.EqualTo(new[] { "task_000 WAITING", "task_001 PAUSED", "task_002 WAITING" }));
    }

    [Test]
    public async Task Removed_tasks_go_in_one_sync_and_the_rest_keep_their_rows()
    {
        await using var harness = await SchedulerHarness.CreateAsync(_db);
        await harness.Synchronizer.SyncAsync(harness.Scheduler, SchedulerHarness.Parse(Registry(30)), CancellationToken.None);
        var kept = await _db.FingerprintAsync("(SELECT * FROM worker.qrtz_triggers WHERE trigger_name < 'task_010')");

        var plan = await harness.Synchronizer.SyncAsync(harness.Scheduler, SchedulerHarness.Parse(Registry(10)), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(plan.Removed, Has.Count.EqualTo(20));
            Assert.That(await _db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_job_details"), Is.EqualTo(10));
            Assert.That(await _db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_triggers"), Is.EqualTo(10));
            Assert.That(await _db.FingerprintAsync("(SELECT * FROM worker.qrtz_triggers WHERE trigger_name < 'task_010')"), Is.EqualTo(kept));
        });
    }
}
