using System.Diagnostics;
using Aionis.Tests.Support;

namespace Aionis.Tests.Production;

/// <summary>SIGTERM: no new fires, running jobs finish within Worker:ShutdownGrace, the rest end cancelled; exit 0.</summary>
public sealed class ShutdownTests : BinaryTest
{
    [SetUp]
    public async Task ArrangeAsync()
    {
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 * * *", KeyRotationRegistry.RecoverableStrict);
    }

    /// <summary>Starts serve with the grace given and one run of the task blocked on the key-table lock.</summary>
    private async Task<ServeProcess> StartWithBlockedRunAsync(string grace)
    {
        var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir, new Dictionary<string, string?> { ["Worker__ShutdownGrace"] = grace });
        await serve.WaitUntilAsync(() => Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)"), TimeSpan.FromSeconds(60), "the first sync");
        var enqueue = await AionisCli.RunAsync(["run", KeyRotationRegistry.TaskId, "--enqueue", "--registry", RegistryPath], AionisCli.EnvFor(Db, Dir));
        Assert.That(enqueue.ExitCode, Is.EqualTo(0), enqueue.Stderr);
        await serve.WaitUntilAsync(async () => await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE status = 'running'") == 1,
            TimeSpan.FromSeconds(30), "the run to start");
        return serve;
    }

    [Test]
    public async Task A_job_that_finishes_within_the_grace_is_recorded_as_finished_and_serve_exits_0()
    {
        await using var keys = await TableLock.HoldAsync(Db.ConnectionString);
        await using var serve = await StartWithBlockedRunAsync("00:00:30");

        serve.Signal("TERM");
        // Serve says it drains, then waits: the run cannot finish while the test holds its lock.
        await serve.WaitForOutputAsync("stopping: no new fires; 1 run(s) in flight", TimeSpan.FromSeconds(30));
        var drainingMeanwhile = !serve.HasExited;
        await keys.ReleaseAsync();
        var exit = await serve.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var run = (await Db.RowsAsync("SELECT status, error FROM worker.job_runs")).Single();
        Assert.Multiple(() =>
        {
            Assert.That(drainingMeanwhile, Is.True, "serve must wait for the running job, not exit at once");
            Assert.That(exit, Is.EqualTo(0), serve.Output);
            Assert.That(run["status"], Is.EqualTo("succeeded"), run["error"]?.ToString());
        });
    }

    [Test]
    public async Task A_job_still_running_when_the_grace_is_over_is_cancelled_and_serve_exits_0()
    {
        await using var keys = await TableLock.HoldAsync(Db.ConnectionString);
        await using var serve = await StartWithBlockedRunAsync("00:00:02");

        var stopwatch = Stopwatch.StartNew();
        serve.Signal("TERM");
        var exit = await serve.WaitForExitAsync(TimeSpan.FromSeconds(40));
        stopwatch.Stop();

        var run = (await Db.RowsAsync("SELECT status, error, finished_at FROM worker.job_runs")).Single();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(0), serve.Output);
            Assert.That(stopwatch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(2)), "the job gets its grace");
            Assert.That(run["status"], Is.EqualTo("cancelled"), run["error"]?.ToString());
            Assert.That(run["finished_at"], Is.Not.Null);
        });
    }

    [Test]
    public async Task A_run_whose_follower_is_still_being_enqueued_is_in_flight_and_the_follower_is_kept()
    {
        await File.WriteAllTextAsync(RegistryPath, AfterChainRegistry.Yaml);
        await using var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir);
        await serve.WaitUntilAsync(() => Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)"), TimeSpan.FromSeconds(60), "the first sync");
        await using var pauses = await TableLock.HoldAsync(Db.ConnectionString, "worker.task_pauses");
        var enqueue = await AionisCli.RunAsync(["run", AfterChainRegistry.Upstream, "--enqueue", "--registry", RegistryPath], AionisCli.EnvFor(Db, Dir));
        Assert.That(enqueue.ExitCode, Is.EqualTo(0), enqueue.Stderr);
        // The digest's run has ended and its row is written; its after: observer waits on the lock, asking whether the
        // follower is paused.
        await serve.WaitUntilAsync(async () => await Db.ScalarAsync<long>("""
            SELECT count(*) FROM pg_stat_activity
             WHERE wait_event_type = 'Lock' AND query LIKE '%FROM worker.task_pauses WHERE task_id = $1%'
            """) == 1, TimeSpan.FromSeconds(60), "the digest's observer waiting on the pauses table");
        var upstream = (await Db.RowsAsync("SELECT status FROM worker.job_runs WHERE task_id = $1", AfterChainRegistry.Upstream)).Single();

        serve.Signal("TERM");
        // Still in flight: the drain waits for it. Had the run left the count with its row, serve would go on to shut
        // Quartz down, which then refuses the follower's enqueue.
        await serve.WaitForOutputAsync("stopping: no new fires; 1 run(s) in flight", TimeSpan.FromSeconds(30));
        await pauses.ReleaseAsync();
        var exit = await serve.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var queued = await Db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_triggers WHERE job_name = $1 AND trigger_group = 'enqueued'", AfterChainRegistry.Follower);
        Assert.Multiple(() =>
        {
            Assert.That(upstream["status"], Is.EqualTo("succeeded"));
            Assert.That(exit, Is.EqualTo(0), serve.Output);
            Assert.That(queued, Is.EqualTo(1), "the follower waits in the schedule for the next node: " + serve.Output);
            Assert.That(serve.Output, Does.Not.Contain("observer"), "no observer failed");
        });
    }
}
