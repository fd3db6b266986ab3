using System.Diagnostics;
using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.Controls;

/// <summary>
/// Two real <c>serve</c> nodes on one database, driven from the CLI as an operator would: <c>aionis status</c> sees both,
/// then a killed one dead; <c>aionis cancel</c> stops a long run on whichever node runs it, releases the task's lock,
/// and <c>run --enqueue --wait</c> follows the next run to its end.
/// </summary>
public sealed class ClusterControlTests : BinaryTest
{
    private static readonly TimeSpan CheckinInterval = TimeSpan.FromSeconds(2);

    private ServeProcess StartNode(string node) => ServeProcess.Start(Db, RegistryPath, node, Path.Combine(Dir, node));

    private Task<CliResult> CliAsync(params string[] args) => AionisCli.RunAsync(args, AionisCli.EnvFor(Db, Path.Combine(Dir, "cli")));

    private async Task<JsonElement> StatusAsync()
    {
        var status = await CliAsync("status", "--json");
        Assert.That(status.ExitCode, Is.EqualTo(0), status.Stderr);
        return JsonDocument.Parse(status.Stdout).RootElement;
    }

    private static bool? Alive(JsonElement status, string node) => status.GetProperty("nodes").EnumerateArray()
        .Where(n => n.GetProperty("node").GetString() == node).Select(n => (bool?)n.GetProperty("alive").GetBoolean()).SingleOrDefault();

    /// <summary>Seconds from a run's cancellation request to its end, as the database recorded them.</summary>
    private Task<double> RequestToEndAsync(string runId) => Db.ScalarAsync<double>("""
        SELECT extract(epoch FROM r.finished_at - c.requested_at) FROM worker.job_runs r JOIN worker.run_cancellations c USING (run_id)
        WHERE run_id = $1::uuid
        """, runId);

    /// <summary>Waits for a state with no node left to watch (both killed).</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(200);
        }
    }

    /// <summary>Both nodes synced the registry and announced themselves.</summary>
    private Task WaitForNodesAsync(ServeProcess serve) => serve.WaitUntilAsync(async () =>
            await Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)")
            && await Db.ScalarAsync<long>("SELECT count(*) FROM worker.nodes WHERE stopped_at IS NULL") == 2,
        TimeSpan.FromSeconds(60), "both nodes to announce themselves");

    [Test]
    public async Task Status_shows_both_nodes_then_a_killed_one_dead_within_the_checkin_interval_and_strict_fails_without_nodes()
    {
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 * * *");
        await using var nodeA = StartNode("node-a");
        await using var nodeB = StartNode("node-b");
        await WaitForNodesAsync(nodeA);

        var both = await StatusAsync();
        var strictWithNodes = await CliAsync("status", "--strict");
        nodeB.KillHard();
        var killed = Stopwatch.StartNew();
        JsonElement afterKill = default;
        await nodeA.WaitUntilAsync(async () => Alive(afterKill = await StatusAsync(), "node-b") == false, TimeSpan.FromSeconds(20), "node-b shown dead");
        var deadAfter = killed.Elapsed;
        nodeA.KillHard();
        await WaitForAsync(async () => Alive(await StatusAsync(), "node-a") == false, TimeSpan.FromSeconds(20), "node-a shown dead");
        var none = await CliAsync("status");
        var strictWithout = await CliAsync("status", "--strict");

        Assert.Multiple(() =>
        {
            Assert.That(both.GetProperty("nodes_alive").GetInt32(), Is.EqualTo(2), both.ToString());
            Assert.That(both.GetProperty("nodes")[0].GetProperty("version").GetString(), Is.Not.Empty);
            Assert.That(both.GetProperty("next_fires")[0].GetProperty("task_id").GetString(), Is.EqualTo(KeyRotationRegistry.TaskId));
            Assert.That(both.GetProperty("ok").GetBoolean(), Is.True, both.ToString());
            Assert.That(strictWithNodes.ExitCode, Is.EqualTo(0), strictWithNodes.Stdout);
            Assert.That(Alive(afterKill, "node-a"), Is.True);
            Assert.That(deadAfter, Is.LessThan(CheckinInterval * 2 + TimeSpan.FromSeconds(4)), "dead within twice the check-in interval (and a status call)");
            Assert.That(none.ExitCode, Is.EqualTo(0));
            Assert.That(none.Stdout, Does.Contain("no node is running"));
            Assert.That(none.Stdout, Does.Contain("node-b").And.Contain("DEAD"));
            Assert.That(strictWithout.ExitCode, Is.EqualTo(2), strictWithout.Stdout);
            Assert.That(strictWithout.Stdout, Does.Contain("verdict: not ok: no node is alive"));
        });
    }

    [Test]
    public async Task Cancel_stops_a_long_run_on_its_node_within_10_s_releases_the_lock_and_the_next_run_runs()
    {
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 * * *", "overlap: skip");
        await using var keys = await TableLock.HoldAsync(Db.ConnectionString);
        await using var nodeA = StartNode("node-a");
        await using var nodeB = StartNode("node-b");
        await WaitForNodesAsync(nodeA);

        var enqueued = await CliAsync("run", KeyRotationRegistry.TaskId, "--registry", RegistryPath, "--enqueue");
        Assert.That(enqueued.ExitCode, Is.EqualTo(0), enqueued.Stderr);
        var runId = JsonDocument.Parse(enqueued.Stdout).RootElement.GetProperty("run_id").GetGuid();
        await nodeA.WaitUntilAsync(async () => await Db.ScalarAsync<string?>("SELECT status FROM worker.job_runs WHERE run_id = $1", runId) == "running",
            TimeSpan.FromSeconds(30), "the long run to start");
        var node = await Db.ScalarAsync<string>("SELECT node FROM worker.job_runs WHERE run_id = $1", runId);
        var running = await StatusAsync();

        var cancel = await CliAsync("cancel", runId.ToString(), "--reason", "stuck on a lock", "--json");
        // From the request to the run's end, as the database recorded them: the CLI's own start-up (seconds on a loaded
        // machine) is not part of what cancel promises.
        var took = await RequestToEndAsync(runId.ToString());
        var row = (await Db.RowsAsync("SELECT status, error FROM worker.job_runs WHERE run_id = $1", runId)).Single();
        var request = (await Db.RowsAsync("SELECT requested_by, reason, seen_by FROM worker.run_cancellations WHERE run_id = $1", runId)).Single();

        await keys.ReleaseAsync();
        var next = await CliAsync("run", KeyRotationRegistry.TaskId, "--registry", RegistryPath, "--enqueue", "--wait");
        var again = await CliAsync("cancel", runId.ToString());
        await nodeA.WaitUntilAsync(async () => await Db.ScalarAsync<string?>("SELECT outcome FROM worker.run_cancellations WHERE run_id = $1", runId) == "cancelled",
            TimeSpan.FromSeconds(15), "the request's outcome");

        Assert.Multiple(() =>
        {
            Assert.That(running.GetProperty("running")[0].GetProperty("run_id").GetGuid(), Is.EqualTo(runId));
            Assert.That(running.GetProperty("running")[0].GetProperty("node").GetString(), Is.EqualTo(node));
            Assert.That(cancel.ExitCode, Is.EqualTo(0), cancel.Stderr);
            Assert.That(JsonDocument.Parse(cancel.Stdout).RootElement.GetProperty("status").GetString(), Is.EqualTo("cancelled"));
            Assert.That(took, Is.GreaterThan(0).And.LessThan(10), "seconds from the request to the run's end");
            Assert.That(row["status"], Is.EqualTo("cancelled"));
            Assert.That((string)row["error"]!, Does.StartWith("cancelled by cli:").And.EndWith(": stuck on a lock"));
            Assert.That((string)request["requested_by"]!, Does.StartWith("cli:"));
            Assert.That(request["reason"], Is.EqualTo("stuck on a lock"));
            Assert.That(request["seen_by"], Is.EqualTo(node), "the node running it picked the request up");
            Assert.That(next.ExitCode, Is.EqualTo(0), next.Stderr + next.Stdout);
            Assert.That(JsonDocument.Parse(next.Stdout).RootElement.GetProperty("status").GetString(), Is.EqualTo("succeeded"),
                "the next run took the task's lock: the cancelled one released it");
            Assert.That(again.ExitCode, Is.EqualTo(64));
            Assert.That(again.Stderr, Does.Contain("already ended (cancelled)"));
        });
    }

    [Test]
    public async Task A_run_that_ignores_its_cancellation_is_abandoned_after_the_grace_alerted_its_lock_released_and_the_next_run_runs()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 * * *", "overlap: skip", "notify: { on_failure: true, severity: warning, overdue_after: 1h }");
        await using var keys = await TableLock.HoldAsync(Db.ConnectionString);
        // The job blocks in a query on the locked table; its backend is then stopped, so the cancel request the token
        // sends is never answered, and the node's driver waits for that answer without limit (Cancellation Timeout=0):
        // a job that ignores its cancellation. The node's grace is 1 s.
        await using var node = ServeProcess.Start(Db, RegistryPath, "node-a", Path.Combine(Dir, "node-a"), new Dictionary<string, string?>
        {
            ["ConnectionStrings__Aionis"] = Db.ConnectionString + ";Cancellation Timeout=0",
            ["Worker__ShutdownGrace"] = "00:00:01",
            ["Alerts__AllowInsecureTargets"] = "true",
            ["AIONIS_ALERT_CHANNELS"] = $$"""[{"id":"ops","type":"generic_webhook","url":"{{receiver.Url("/ops")}}"}]""",
        });
        await node.WaitUntilAsync(async () => await Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)")
            && await Db.ScalarAsync<long>("SELECT count(*) FROM worker.nodes WHERE stopped_at IS NULL") == 1, TimeSpan.FromSeconds(60), "the node to announce itself");

        var enqueued = await CliAsync("run", KeyRotationRegistry.TaskId, "--registry", RegistryPath, "--enqueue");
        Assert.That(enqueued.ExitCode, Is.EqualTo(0), enqueued.Stderr);
        var runId = JsonDocument.Parse(enqueued.Stdout).RootElement.GetProperty("run_id").GetGuid();
        const string blocked = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
        await node.WaitUntilAsync(async () => await Db.ScalarAsync<int?>(blocked) is not null, TimeSpan.FromSeconds(30), "the run's query to wait on the lock");
        CliResult cancel;
        Dictionary<string, object?> row;
        CliResult next;
        await using (await StoppedBackend.StopAsync(await Db.ScalarAsync<int>(blocked)))
        {
            cancel = await CliAsync("cancel", runId.ToString(), "--reason", "hung", "--json");
            row = (await Db.RowsAsync("SELECT status, error FROM worker.job_runs WHERE run_id = $1", runId)).Single();
            await node.WaitUntilAsync(() => Task.FromResult(!receiver.Requests.IsEmpty), TimeSpan.FromSeconds(20), "the operator alert");
            // The stopped backend still waits in its query: the next run can only run once the lock is free.
            await keys.ReleaseAsync();
            next = await CliAsync("run", KeyRotationRegistry.TaskId, "--registry", RegistryPath, "--enqueue", "--wait");
        }

        var alert = receiver.Requests.First().Json;
        Assert.Multiple(() =>
        {
            Assert.That(cancel.ExitCode, Is.EqualTo(0), cancel.Stderr);
            Assert.That(JsonDocument.Parse(cancel.Stdout).RootElement.GetProperty("status").GetString(), Is.EqualTo("abandoned"));
            Assert.That(row["status"], Is.EqualTo("abandoned"));
            Assert.That((string)row["error"]!, Does.StartWith("cancelled by cli:").And.Contain(": hung; the job ignored the cancellation for 1s and was abandoned"));
            Assert.That(alert.GetProperty("event_type").GetString(), Is.EqualTo("job_failed"));
            Assert.That(alert.ToString(), Does.Contain(runId.ToString()).And.Contain("abandoned"));
            Assert.That(node.Output, Does.Contain("ignored its cancellation for 00:00:01; abandoned"));
            Assert.That(next.ExitCode, Is.EqualTo(0), next.Stderr + next.Stdout);
            Assert.That(JsonDocument.Parse(next.Stdout).RootElement.GetProperty("status").GetString(), Is.EqualTo("succeeded"),
                "the next run took the task's lock (overlap: skip): the abandoned one released it");
        });
    }

    [Test]
    public async Task Cancel_stops_an_aionis_run_in_a_cli_process_within_10_s_and_that_process_exits_1()
    {
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 * * *");
        await using var keys = await TableLock.HoldAsync(Db.ConnectionString);
        // No serve node: the run is in a CLI process of another "host" (its own node name and folders).
        var env = AionisCli.EnvFor(Db, Path.Combine(Dir, "vm-b"));
        env["Worker__NodeName"] = "vm-b";
        using var run = Process.Start(AionisCli.StartInfo(["run", KeyRotationRegistry.TaskId, "--registry", RegistryPath, "--json"], env))!;
        run.StandardInput.Close();
        var stdout = run.StandardOutput.ReadToEndAsync();
        var stderr = run.StandardError.ReadToEndAsync();
        string? runId = null;
        await WaitForAsync(async () => (runId = await Db.ScalarAsync<string?>("SELECT run_id::text FROM worker.job_runs WHERE status = 'running'")) is not null,
            TimeSpan.FromSeconds(30), "the CLI's run to start");

        var cancel = await CliAsync("cancel", runId!, "--reason", "wrong day", "--json");
        // The run's process is given a minute to exit; the promise (ended within 10 s of the request) is checked on the
        // times the database recorded, so the cancel command's own start-up on a loaded machine does not count.
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            try
            {
                await run.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                run.Kill(entireProcessTree: true);
                Assert.Fail($"aionis run still running a minute after the cancel; cancel: {cancel.Stderr}{cancel.Stdout}; run: {await stderr}");
            }
        }
        var took = await RequestToEndAsync(runId!);
        var row = (await Db.RowsAsync("SELECT status, error, node FROM worker.job_runs WHERE run_id = $1::uuid", runId)).Single();
        var request = (await Db.RowsAsync("SELECT seen_by, outcome FROM worker.run_cancellations WHERE run_id = $1::uuid", runId)).Single();

        Assert.Multiple(async () =>
        {
            Assert.That(cancel.ExitCode, Is.EqualTo(0), cancel.Stderr);
            Assert.That(JsonDocument.Parse(cancel.Stdout).RootElement.GetProperty("status").GetString(), Is.EqualTo("cancelled"));
            Assert.That(took, Is.GreaterThan(0).And.LessThan(10), "seconds from the request to the run's end");
            Assert.That(run.ExitCode, Is.EqualTo(1), await stderr);
            Assert.That(JsonDocument.Parse(await stdout).RootElement.GetProperty("status").GetString(), Is.EqualTo("cancelled"));
            Assert.That(row["status"], Is.EqualTo("cancelled"));
            Assert.That((string)row["error"]!, Does.StartWith("cancelled by cli:").And.EndWith(": wrong day"));
            Assert.That(row["node"], Is.EqualTo("vm-b"));
            Assert.That(request["seen_by"], Is.EqualTo("vm-b"), "the CLI process running it picked the request up");
            Assert.That(request["outcome"], Is.EqualTo("cancelled"), "recorded by that process: no node runs");
        });
    }

    [Test]
    public async Task Cancel_of_an_unknown_run_or_a_bad_id_is_exit_64()
    {
        var unknown = await CliAsync("cancel", Guid.NewGuid().ToString());
        var bad = await CliAsync("cancel", "not-a-run");
        Assert.Multiple(() =>
        {
            Assert.That(unknown.ExitCode, Is.EqualTo(64));
            Assert.That(unknown.Stderr, Does.Contain("no such run"));
            Assert.That(bad.ExitCode, Is.EqualTo(64));
            Assert.That(bad.Stderr, Does.Contain("RUN_ID 'not-a-run'"));
        });
    }
}
