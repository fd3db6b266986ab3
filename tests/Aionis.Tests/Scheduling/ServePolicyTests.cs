using Aionis.Tests.Support;
using Aionis.Worker.Scheduling;

namespace Aionis.Tests.Scheduling;

/// <summary>A task's policies through a running daemon: timeout, persisted retries with attempts, and overlap: skip.</summary>
public sealed class ServePolicyTests : BinaryTest
{
    private TableLock _keys = null!;

    /// <summary>Runs of hosted-key-rotation-sla block on this lock until the test ends: a reliably long (or hung) job.</summary>
    [SetUp]
    public async Task HoldTheKeyTableAsync() => _keys = await TableLock.HoldAsync(Db.ConnectionString);

    [TearDown]
    public async Task ReleaseTheKeyTableAsync() => await _keys.DisposeAsync();

    private async Task<string> RegistryAsync(string schedule, params string[] policy)
    {
        await KeyRotationRegistry.WriteAsync(RegistryPath, schedule, policy);
        return RegistryPath;
    }

    [Test]
    public async Task A_timed_out_run_is_retried_with_backoff_and_each_attempt_is_recorded()
    {
        var registry = await RegistryAsync("0 6 * * *", "timeout: 1s", "retry: { max_attempts: 3, backoff: 1s, max_backoff: 2s }");
        await using var serve = ServeProcess.Start(Db, registry, "node-a", Dir);
        await serve.WaitUntilAsync(() => Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)"), TimeSpan.FromSeconds(30), "the sync");

        await AionisCli.RunAsync(["run", "key_rotation_sla", "--enqueue", "--registry", registry], AionisCli.EnvFor(Db, Dir));
        // The third attempt's execution has ended (Quartz deletes a fired trigger's row when its job returns, after any
        // retry would have been scheduled): no retry trigger left means no fourth attempt can come.
        await serve.WaitUntilAsync(() => Db.ScalarAsync<bool>("""
            SELECT (SELECT count(*) FROM worker.job_runs WHERE status = 'timed_out') = 3
               AND NOT EXISTS (SELECT 1 FROM worker.qrtz_fired_triggers)
            """), TimeSpan.FromSeconds(60), "three timed-out attempts, the last one's execution ended");
        var retriesPending = await Db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_triggers WHERE trigger_group = $1", ScheduleKeys.RetryGroup);

        var runs = await Db.RowsAsync("SELECT attempt, trigger, triggered_by, status, error FROM worker.job_runs ORDER BY started_at");
        Assert.Multiple(() =>
        {
            Assert.That(retriesPending, Is.EqualTo(0), "no fourth attempt after max_attempts");
            Assert.That(runs.Select(r => r["attempt"]), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(runs.Select(r => r["trigger"]), Is.EqualTo(new[] { "enqueued", "retry", "retry" }));
            Assert.That(runs.Select(r => r["triggered_by"]), Is.EqualTo(new[] { $"cli:{Environment.UserName}@{Environment.MachineName}", "retry", "retry" }));
            Assert.That(runs.Select(r => r["status"]), Is.All.EqualTo("timed_out"));
            Assert.That((string)runs[0]["error"]!, Does.Contain("timed out"));
        });
    }

    [Test]
    public async Task A_fire_that_finds_the_task_still_running_records_a_skipped_run()
    {
        var registry = await RegistryAsync("0/2 * * * * ?", "overlap: skip", "timeout: 1m");
        await using var serve = ServeProcess.Start(Db, registry, "node-a", Dir);

        await serve.WaitUntilAsync(async () => await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE status = 'skipped'") >= 2,
            TimeSpan.FromSeconds(45), "skipped fires");

        var rows = await Db.RowsAsync("SELECT status, error FROM worker.job_runs WHERE status IN ('running', 'skipped') ORDER BY started_at");
        Assert.Multiple(() =>
        {
            Assert.That(rows.Count(r => (string)r["status"]! == "running"), Is.EqualTo(1), "only one run at a time");
            Assert.That((string)rows.First(r => (string)r["status"]! == "skipped")["error"]!, Does.Contain("overlap: skip"));
        });
    }
}
