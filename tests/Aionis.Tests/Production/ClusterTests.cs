using Aionis.Jobs.Framework;
using Aionis.Tests.Support;
using Aionis.Worker.Configuration;
using Aionis.Worker.Hosting;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace Aionis.Tests.Production;

/// <summary>Two serve nodes on one database: each fire runs once, and a node lost mid-run is recovered by the other.</summary>
public sealed class ClusterTests : BinaryTest
{
    private ServeProcess StartNode(string node) => ServeProcess.Start(Db, RegistryPath, node, Path.Combine(Dir, node),
        new Dictionary<string, string?> { ["Worker__MaxConcurrency"] = "3" });

    /// <summary>Both nodes synced and checked in with the cluster.</summary>
    private Task WaitForClusterAsync(ServeProcess serve) => serve.WaitUntilAsync(async () =>
            await Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)")
            && await Db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_scheduler_state WHERE instance_name IN ('node-a', 'node-b')") == 2,
        TimeSpan.FromSeconds(120), "both nodes to join the cluster"); // two starts at once on a loaded 2-core machine

    /// <summary>
    /// Enqueues the task <paramref name="count"/> times through a scheduler client, as <c>aionis run --enqueue</c> does,
    /// due <paramref name="dueIn"/> from now (so that every node has polled before they fall due).
    /// </summary>
    private async Task EnqueueAsync(int count, TimeSpan dueIn = default)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aionis"] = Db.ConnectionString,
            ["Worker:NodeName"] = "test-client",
            ["Worker:SpoolDirectory"] = Path.Combine(Dir, ".spool"),
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow + dueIn))
            .AddWorker(configuration);
        services.AddModules(configuration, new SchedulingModule(new DatabaseSettings(Db.ConnectionString), WorkerOptions.From(configuration), "test-client"));
        await using var provider = services.BuildServiceProvider();
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var enqueuer = provider.GetRequiredService<TaskEnqueuer>();
        for (var i = 0; i < count; i++)
        {
            await enqueuer.EnqueueAsync(scheduler, KeyRotationRegistry.TaskId, dryRun: true, new Dictionary<string, object?>(), "cli:test@cluster", CancellationToken.None);
        }
    }

    [Test]
    public async Task Sixty_fires_on_two_nodes_make_exactly_sixty_runs()
    {
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 * * *", [.. KeyRotationRegistry.RecoverableStrict, "overlap: allow"]);
        await using var nodeA = StartNode("node-a");
        await using var nodeB = StartNode("node-b");
        await WaitForClusterAsync(nodeA);

        await EnqueueAsync(60, dueIn: TimeSpan.FromSeconds(6));
        await nodeA.WaitUntilAsync(async () => await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE status <> 'running'") >= 60,
            TimeSpan.FromSeconds(90), "60 finished runs");
        // Clean stops wait for any run still in flight: a duplicate fire would be in history once both have exited.
        Assert.That(await nodeA.StopAsync(TimeSpan.FromSeconds(60)), Is.EqualTo(0), nodeA.Output);
        Assert.That(await nodeB.StopAsync(TimeSpan.FromSeconds(60)), Is.EqualTo(0), nodeB.Output);

        var totals = (await Db.RowsAsync("""
            SELECT count(*) AS runs, count(DISTINCT fire_instance_id) AS fires, count(DISTINCT node) AS nodes,
                   count(*) FILTER (WHERE status = 'succeeded' AND trigger = 'enqueued') AS expected
              FROM worker.job_runs
            """)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(totals["runs"], Is.EqualTo(60L));
            Assert.That(totals["fires"], Is.EqualTo(60L));
            Assert.That(totals["expected"], Is.EqualTo(60L), "every run is an enqueued fire with the job's verdict");
            Assert.That(totals["nodes"], Is.EqualTo(2L), "both nodes take part");
        });
    }

    [Test]
    public async Task A_node_killed_mid_run_has_its_run_recovered_by_the_other_and_its_row_marked_abandoned()
    {
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 * * *", KeyRotationRegistry.RecoverableStrict);
        await using var keys = await TableLock.HoldAsync(Db.ConnectionString);
        await using var nodeA = StartNode("node-a");
        await using var nodeB = StartNode("node-b");
        await WaitForClusterAsync(nodeA);

        await EnqueueAsync(1);
        await nodeA.WaitUntilAsync(async () => await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE status = 'running'") == 1,
            TimeSpan.FromSeconds(30), "the run to start");
        var first = (await Db.RowsAsync("SELECT run_id, node FROM worker.job_runs")).Single();
        var (dead, survivor) = (string)first["node"]! == "node-a" ? (nodeA, nodeB) : (nodeB, nodeA);
        var survivorName = (string)first["node"]! == "node-a" ? "node-b" : "node-a";
        dead.KillHard();

        await survivor.WaitUntilAsync(async () => await Db.ScalarAsync<long>(
            "SELECT count(*) FROM worker.job_runs WHERE trigger = 'recovery' AND node = $1", survivorName) == 1,
            TimeSpan.FromSeconds(30), "the recovery run on the surviving node");
        await survivor.WaitUntilAsync(async () => await Db.ScalarAsync<string>(
            "SELECT status FROM worker.job_runs WHERE run_id = $1", first["run_id"]) == "abandoned",
            TimeSpan.FromSeconds(45), "the dead node's run to be marked abandoned");
        await keys.ReleaseAsync();
        await survivor.WaitUntilAsync(async () => await Db.ScalarAsync<string>(
            "SELECT status FROM worker.job_runs WHERE trigger = 'recovery'") == "succeeded",
            TimeSpan.FromSeconds(30), "the recovery run to finish");

        Assert.Multiple(async () =>
        {
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs"), Is.EqualTo(2L), "one abandoned run and its one recovery");
            Assert.That(await Db.ScalarAsync<string>("SELECT triggered_by FROM worker.job_runs WHERE trigger = 'recovery'"), Is.EqualTo("recovery"));
        });
    }
}
