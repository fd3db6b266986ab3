using Aionis.Tests.Support;

namespace Aionis.Tests.Scheduling.Timing;

/// <summary>Issue #22 item 5: <c>notify.long_running_after</c> alerts while the run goes on and resolves when it ends.</summary>
public sealed class ServeLongRunningTests : BinaryTest
{
    [Test]
    public async Task A_run_past_long_running_after_opens_an_alert_while_running_and_its_end_resolves_it()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 1 1 *", "timeout: 5m", "notify: { long_running_after: 2s }");
        // The run blocks on this lock until the test lets it go: a run that is still going.
        await using var keys = await KeyTableLock.HoldAsync(Db.ConnectionString);
        await using var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir, new Dictionary<string, string?>
        {
            ["Alerts__AllowInsecureTargets"] = "true",
            ["AIONIS_ALERT_CHANNELS"] = $$"""[{"id":"ops","type":"generic_webhook","url":"{{receiver.Url("/ops")}}"}]""",
        });
        await serve.WaitUntilAsync(() => Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)"), TimeSpan.FromSeconds(30), "the sync");
        var enqueue = await AionisCli.RunAsync(["run", KeyRotationRegistry.TaskId, "--enqueue", "--registry", RegistryPath], AionisCli.EnvFor(Db, Dir));
        Assert.That(enqueue.ExitCode, Is.EqualTo(0), enqueue.Stderr);

        await serve.WaitUntilAsync(() => Task.FromResult(receiver.Requests.Count >= 1), TimeSpan.FromSeconds(60), "the long-running alert");
        var statusWhileAlerted = await Db.ScalarAsync<string>("SELECT status FROM worker.job_runs");
        var open = await Db.ScalarAsync<long>("SELECT count(*) FROM worker.operator_alerts WHERE kind = 'long_running' AND resolved_at IS NULL");

        await keys.ReleaseAsync();
        await serve.WaitUntilAsync(() => Task.FromResult(receiver.Requests.Count >= 2), TimeSpan.FromSeconds(60), "the resolve");

        var bodies = receiver.Requests.Select(r => r.Body).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(statusWhileAlerted, Is.EqualTo("running"), "the alert comes while the run is still going");
            Assert.That(open, Is.EqualTo(1));
            Assert.That(bodies[0], Does.Contain("still running after 2s"));
            Assert.That(bodies[1], Does.Contain("recovered").IgnoreCase.Or.Contain("resolve"));
            Assert.That(await Db.ScalarAsync<string>("SELECT status FROM worker.job_runs"), Is.Not.EqualTo("running"));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.operator_alerts WHERE kind = 'long_running' AND resolved_at IS NULL"), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task A_run_that_ends_before_the_threshold_alerts_nobody()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 1 1 *", "notify: { long_running_after: 30s }");
        await using var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir, new Dictionary<string, string?>
        {
            ["Alerts__AllowInsecureTargets"] = "true",
            ["AIONIS_ALERT_CHANNELS"] = $$"""[{"id":"ops","type":"generic_webhook","url":"{{receiver.Url("/ops")}}"}]""",
        });
        await serve.WaitUntilAsync(() => Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)"), TimeSpan.FromSeconds(30), "the sync");
        await AionisCli.RunAsync(["run", KeyRotationRegistry.TaskId, "--enqueue", "--registry", RegistryPath], AionisCli.EnvFor(Db, Dir));
        await serve.WaitUntilAsync(async () => await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE status <> 'running'") == 1,
            TimeSpan.FromSeconds(60), "the run");

        Assert.Multiple(async () =>
        {
            Assert.That(receiver.Requests, Is.Empty);
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.operator_alerts"), Is.EqualTo(0));
        });
    }
}
