using Aionis.Tests.Support;

namespace Aionis.Tests.Scheduling.Timing;

/// <summary>Issue #22 item 3: <c>after:</c> through two real <c>aionis serve</c> nodes.</summary>
public sealed class ServeAfterTests : BinaryTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    private const string Registry = """
        version: 1
        tasks:
          - id: digest
            job: hosted-key-rotation-sla
            schedule: "0 6 1 1 *"
            permissions: [read:control_plane]
            overlap: allow
            inputs: { strict: true }
          - id: backlog
            job: hosted-key-rotation-sla
            after: [{ task: digest }]
            permissions: [read:control_plane]
          - id: guarded
            job: hosted-key-rotation-sla
            schedule: "0/2 * * * * ?"
            after: [{ task: digest, within: 1m, status: succeeded }]
            permissions: [read:control_plane]
        """;

    private Task<long> CountAsync(string where, params object?[] args) => Db.ScalarAsync<long>($"SELECT count(*) FROM worker.job_runs WHERE {where}", args);

    private async Task<Guid> EnqueueDigestAsync(ServeProcess serve, string status)
    {
        var before = await CountAsync("task_id = 'digest'");
        var enqueue = await AionisCli.RunAsync(["run", "digest", "--enqueue", "--registry", RegistryPath], AionisCli.EnvFor(Db, Dir));
        Assert.That(enqueue.ExitCode, Is.EqualTo(0), enqueue.Stderr);
        await serve.WaitUntilAsync(async () => await CountAsync("task_id = 'digest' AND status <> 'running'") > before, Wait, "the digest run");
        var run = (await Db.RowsAsync("SELECT run_id, status FROM worker.job_runs WHERE task_id = 'digest' ORDER BY started_at DESC LIMIT 1")).Single();
        Assert.That(run["status"], Is.EqualTo(status));
        return (Guid)run["run_id"]!;
    }

    [Test]
    public async Task A_follower_fires_within_seconds_of_its_upstream_s_success_never_on_its_failure_and_a_scheduled_one_is_skipped_until_then()
    {
        await Db.AddKeyAsync("acme", "ak_live_stale", DateTimeOffset.UtcNow.AddDays(-40));
        await File.WriteAllTextAsync(RegistryPath, Registry);
        await using var a = ServeProcess.Start(Db, RegistryPath, "node-a", Dir);
        await using var b = ServeProcess.Start(Db, RegistryPath, "node-b", Dir);
        await a.WaitUntilAsync(async () => await CountAsync("task_id = 'guarded' AND status = 'skipped'") >= 1, Wait, "a guarded fire before any digest");

        var failed = await EnqueueDigestAsync(a, "gate_failed");
        await Db.ExecuteAsync("DELETE FROM control_api_keys");
        var succeeded = await EnqueueDigestAsync(a, "succeeded");
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
        });
    }
}
