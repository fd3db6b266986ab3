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
        await using var keys = await KeyTableLock.HoldAsync(Db.ConnectionString);
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
        await using var keys = await KeyTableLock.HoldAsync(Db.ConnectionString);
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
}
