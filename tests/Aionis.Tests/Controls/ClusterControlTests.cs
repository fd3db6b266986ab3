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
        await using var keys = await KeyTableLock.HoldAsync(Db.ConnectionString);
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

        var asked = Stopwatch.StartNew();
        var cancel = await CliAsync("cancel", runId.ToString(), "--reason", "stuck on a lock", "--json");
        var took = asked.Elapsed;
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
            Assert.That(took, Is.LessThan(TimeSpan.FromSeconds(10)));
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
