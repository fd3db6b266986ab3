using Aionis.Tests.Support;

namespace Aionis.Tests.Scheduling.Timing;

/// <summary>Issue #22 item 3: <c>after:</c> through two real <c>aionis serve</c> nodes.</summary>
// Its tests measure follower latencies to the second across two nodes: they run one after another, as ServeTimingTests'
// do. (The stopping-node test's old timeouts under load were a stopping node's Quartz refusing the follower's enqueue:
// the run had left the in-flight count before its observers ran; ShutdownTests pins the fix.)
[Parallelizable(ParallelScope.Self)]
public sealed class ServeAfterTests : BinaryTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    /// <summary>An upstream and a follower with no schedule of its own.</summary>
    private const string Chain = AfterChainRegistry.Yaml;

    /// <summary>The chain plus a follower with a schedule: its <c>after:</c> guards its fires.</summary>
    private const string Guarded = Chain + """
          - id: guarded
            job: hosted-key-rotation-sla
            schedule: "0/2 * * * * ?"
            after: [{ task: digest, within: 1m, status: succeeded }]
            permissions: [read:control_plane]
        """;

    private Task<long> CountAsync(string where, params object?[] args) => Db.ScalarAsync<long>($"SELECT count(*) FROM worker.job_runs WHERE {where}", args);

    private Task<CliResult> CliAsync(params string[] args) => AionisCli.RunAsync(args, AionisCli.EnvFor(Db, Dir));

    private async Task EnqueueDigestAsync()
    {
        var enqueue = await CliAsync("run", "digest", "--enqueue", "--registry", RegistryPath);
        Assert.That(enqueue.ExitCode, Is.EqualTo(0), enqueue.Stderr);
    }

    /// <summary>
    /// Enqueues the digest and waits for its run to end and, given <paramref name="followerLine"/>, for that line in the
    /// run's stored log: the line of its observer about the follower, written after the run's row.
    /// </summary>
    private async Task<Guid> DigestAsync(ServeProcess serve, string status, string? followerLine = null)
    {
        var before = await CountAsync("task_id = 'digest'");
        await EnqueueDigestAsync();
        await serve.WaitUntilAsync(async () => await CountAsync("task_id = 'digest' AND status <> 'running'") > before, Wait, "the digest run");
        var run = (await Db.RowsAsync("SELECT run_id, status FROM worker.job_runs WHERE task_id = 'digest' ORDER BY started_at DESC LIMIT 1")).Single();
        Assert.That(run["status"], Is.EqualTo(status));
        var runId = (Guid)run["run_id"]!;
        if (followerLine is not null)
        {
            await serve.WaitUntilAsync(async () => (await RunLogAsync(runId))?.Contains(followerLine, StringComparison.Ordinal) == true,
                Wait, $"'{followerLine}' in the digest run's stored log");
        }
        return runId;
    }

    private Task<string?> RunLogAsync(Guid runId) => Db.ScalarAsync<string?>(
        "SELECT string_agg(message, E'\\n' ORDER BY seq) FROM worker.job_run_logs WHERE run_id = $1", runId);

    [Test]
    public async Task A_follower_fires_within_seconds_of_its_upstream_s_success_never_on_its_failure_and_a_scheduled_one_is_skipped_until_then()
    {
        await Db.AddKeyAsync("acme", "ak_live_stale", DateTimeOffset.UtcNow.AddDays(-40));
        await File.WriteAllTextAsync(RegistryPath, Guarded);
        await using var a = ServeProcess.Start(Db, RegistryPath, "node-a", Dir);
        await using var b = ServeProcess.Start(Db, RegistryPath, "node-b", Dir);
        await a.WaitUntilAsync(async () => await CountAsync("task_id = 'guarded' AND status = 'skipped'") >= 1, Wait, "a guarded fire before any digest");

        var failed = await DigestAsync(a, "gate_failed");
        await Db.ExecuteAsync("DELETE FROM control_api_keys");
        var succeeded = await DigestAsync(a, "succeeded", "task backlog enqueued");
        await a.WaitUntilAsync(async () => await CountAsync("task_id = 'backlog' AND status <> 'running'") >= 1, Wait, "the follower's run");
        await a.WaitUntilAsync(async () => await CountAsync("task_id = 'guarded' AND status = 'succeeded'") >= 1, Wait, "a guarded fire after the digest");

        var backlog = await Db.RowsAsync("SELECT triggered_by, trigger, started_at, node FROM worker.job_runs WHERE task_id = 'backlog'");
        var digestEnd = await Db.ScalarAsync<DateTime>("SELECT finished_at FROM worker.job_runs WHERE run_id = $1", succeeded);
        var skipped = await Db.ScalarAsync<string>("SELECT error FROM worker.job_runs WHERE task_id = 'guarded' AND status = 'skipped' ORDER BY started_at LIMIT 1");
        Assert.Multiple(async () =>
        {
            Assert.That(backlog.Select(r => r["triggered_by"]), Is.EqualTo(new[] { $"after:{succeeded}" }), $"nothing for the failed run {failed}");
            Assert.That((DateTime)backlog[0]["started_at"]! - digestEnd, Is.LessThan(TimeSpan.FromSeconds(10)));
            Assert.That(skipped, Is.EqualTo("after: digest has no succeeded live run within 1m"));
            Assert.That(await CountAsync("task_id = 'guarded' AND status = 'succeeded' AND started_at < $1", digestEnd), Is.EqualTo(0),
                "no guarded run before the upstream succeeded");
            // A follower with a schedule fires on its schedule only: the upstream's success enqueued nothing for it.
            Assert.That(await CountAsync("task_id = 'guarded' AND (triggered_by LIKE 'after:%' OR trigger <> 'schedule')"), Is.EqualTo(0));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_triggers WHERE job_name = 'guarded' AND trigger_group = 'enqueued'"),
                Is.EqualTo(0));
            Assert.That(await RunLogAsync(succeeded), Does.Contain("task backlog enqueued").And.Not.Contain("task guarded"));
        });
    }

    [Test]
    public async Task A_follower_runs_on_the_other_node_within_seconds_when_its_upstream_succeeds_on_a_node_that_is_stopping()
    {
        await File.WriteAllTextAsync(RegistryPath, Chain);
        await using var a = ServeProcess.Start(Db, RegistryPath, "node-a", Dir);
        await a.WaitUntilAsync(() => Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)"), Wait, "the sync");
        Guid digest;
        await using (var keys = await TableLock.HoldAsync(Db.ConnectionString))
        {
            // Only node-a is up: the digest runs there, held by the key table lock.
            await EnqueueDigestAsync();
            await a.WaitUntilAsync(async () => await CountAsync("task_id = 'digest' AND status = 'running' AND node = 'node-a'") == 1, Wait, "the digest running on node-a");
            digest = await Db.ScalarAsync<Guid>("SELECT run_id FROM worker.job_runs WHERE task_id = 'digest'");
            await using var b = ServeProcess.Start(Db, RegistryPath, "node-b", Dir);
            await b.WaitUntilAsync(() => Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.qrtz_scheduler_state WHERE instance_name = 'node-b')"),
                Wait, "node-b in the cluster");
            // SIGTERM: node-a fires nothing new but lets its digest finish (and run its observers).
            a.Signal("TERM");
            await a.WaitForOutputAsync("stopping: no new fires", Wait);
            await keys.ReleaseAsync();

            await b.WaitUntilAsync(async () => await CountAsync("task_id = 'backlog' AND status <> 'running'") >= 1, Wait, "the follower's run");
            Assert.That(await a.WaitForExitAsync(Wait), Is.EqualTo(0), a.Output);
        }

        var digestRun = (await Db.RowsAsync("SELECT status, node, finished_at FROM worker.job_runs WHERE run_id = $1", digest)).Single();
        var backlog = (await Db.RowsAsync("SELECT status, node, triggered_by, started_at FROM worker.job_runs WHERE task_id = 'backlog'")).Single();
        Assert.Multiple(() =>
        {
            Assert.That(digestRun["status"], Is.EqualTo("succeeded"));
            Assert.That(digestRun["node"], Is.EqualTo("node-a"));
            Assert.That(backlog["status"], Is.EqualTo("succeeded"));
            Assert.That(backlog["node"], Is.EqualTo("node-b"), "the follower ran on the node that did not run its upstream");
            Assert.That(backlog["triggered_by"], Is.EqualTo($"after:{digest}"));
            Assert.That((DateTime)backlog["started_at"]! - (DateTime)digestRun["finished_at"]!, Is.LessThan(TimeSpan.FromSeconds(10)));
        });
    }

    [Test]
    public async Task A_paused_follower_is_not_enqueued_by_its_upstream_and_is_again_once_resumed()
    {
        await File.WriteAllTextAsync(RegistryPath, Chain);
        await using var a = ServeProcess.Start(Db, RegistryPath, "node-a", Dir);
        await using var b = ServeProcess.Start(Db, RegistryPath, "node-b", Dir);
        await a.WaitUntilAsync(() => Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)"), Wait, "the sync");
        var pause = await CliAsync("pause", "backlog", "--reason", "backlog tool upgrade");
        Assert.That(pause.ExitCode, Is.EqualTo(0), pause.Stderr);

        var whilePaused = await DigestAsync(a, "succeeded", "task backlog not enqueued");
        var pausedLog = await RunLogAsync(whilePaused);
        var runsWhilePaused = await CountAsync("task_id = 'backlog'");
        var enqueuedWhilePaused = await Db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_triggers WHERE job_name = 'backlog' AND trigger_group = 'enqueued'");

        var resume = await CliAsync("resume", "backlog");
        Assert.That(resume.ExitCode, Is.EqualTo(0), resume.Stderr);
        var afterResume = await DigestAsync(a, "succeeded", "task backlog enqueued");
        await a.WaitUntilAsync(async () => await CountAsync("task_id = 'backlog' AND status <> 'running'") >= 1, Wait, "the resumed follower's run");

        Assert.Multiple(async () =>
        {
            Assert.That(runsWhilePaused, Is.EqualTo(0), "no run of the paused follower");
            Assert.That(enqueuedWhilePaused, Is.EqualTo(0), "nothing left queued to run once it is resumed");
            Assert.That(pausedLog, Does.Contain($"task backlog not enqueued: it is paused (its upstream digest run {whilePaused} ended succeeded)"));
            Assert.That(await Db.ScalarAsync<string>("SELECT string_agg(triggered_by, ',') FROM worker.job_runs WHERE task_id = 'backlog'"),
                Is.EqualTo($"after:{afterResume}"));
        });
    }
}
