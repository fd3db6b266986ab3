using Aionis.Tests.Support;

namespace Aionis.Tests.Scheduling.Timing;

/// <summary>
/// Issue #22 item 5: <c>notify.long_running_after</c> and <c>long_running: p95xN</c> alert while the run goes on and
/// resolve when it ends.
/// </summary>
public sealed class ServeLongRunningTests : BinaryTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private async Task<ServeProcess> StartAsync(AlertReceiver receiver, params string[] settings)
    {
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 1 1 *", ["timeout: 5m", .. settings]);
        var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir, new Dictionary<string, string?>
        {
            ["Alerts__AllowInsecureTargets"] = "true",
            ["AIONIS_ALERT_CHANNELS"] = $$"""[{"id":"ops","type":"generic_webhook","url":"{{receiver.Url("/ops")}}"}]""",
        });
        await serve.WaitUntilAsync(() => Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)"), Wait, "the sync");
        return serve;
    }

    private async Task EnqueueAsync()
    {
        var enqueue = await AionisCli.RunAsync(["run", KeyRotationRegistry.TaskId, "--enqueue", "--registry", RegistryPath], AionisCli.EnvFor(Db, Dir));
        Assert.That(enqueue.ExitCode, Is.EqualTo(0), enqueue.Stderr);
    }

    /// <summary>Live runs of the last hour, each <paramref name="duration"/> long: the task's 7-day p95 is that.</summary>
    private async Task SeedHistoryAsync(TimeSpan duration)
    {
        for (var i = 0; i < 5; i++)
        {
            await Db.AddRunAsync("hosted-key-rotation-sla", "succeeded", DateTimeOffset.UtcNow.AddMinutes(-60 + i), KeyRotationRegistry.TaskId, duration: duration);
        }
    }

    private Task<long> OpenAlertsAsync() =>
        Db.ScalarAsync<long>("SELECT count(*) FROM worker.operator_alerts WHERE kind = 'long_running' AND resolved_at IS NULL");

    /// <summary>A run held by the key table lock until it alerts; then let go, so its end resolves the alert.</summary>
    private async Task AssertAlertsWhileRunningAndResolvesAsync(ServeProcess serve, AlertReceiver receiver, string threshold)
    {
        // The run blocks on this lock until the test lets it go: a run that is still going.
        await using var keys = await TableLock.HoldAsync(Db.ConnectionString);
        await EnqueueAsync();

        await serve.WaitUntilAsync(() => Task.FromResult(receiver.Requests.Count >= 1), Wait, "the long-running alert");
        var statusWhileAlerted = await Db.ScalarAsync<string>("SELECT status FROM worker.job_runs WHERE trigger = 'enqueued'");
        var open = await OpenAlertsAsync();

        await keys.ReleaseAsync();
        await serve.WaitUntilAsync(() => Task.FromResult(receiver.Requests.Count >= 2), Wait, "the resolve");

        var bodies = receiver.Requests.Select(r => r.Body).ToList();
        var runId = await Db.ScalarAsync<Guid>("SELECT run_id FROM worker.job_runs WHERE trigger = 'enqueued'");
        Assert.Multiple(async () =>
        {
            Assert.That(statusWhileAlerted, Is.EqualTo("running"), "the alert comes while the run is still going");
            Assert.That(open, Is.EqualTo(1));
            Assert.That(bodies[0], Does.Contain($"still running after {threshold}"));
            Assert.That(bodies[1], Does.Contain($"run {runId} ended succeeded"));
            Assert.That(await Db.ScalarAsync<string>("SELECT status FROM worker.job_runs WHERE run_id = $1", runId), Is.EqualTo("succeeded"));
            Assert.That(await OpenAlertsAsync(), Is.EqualTo(0));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.operator_alerts WHERE kind = 'long_running'"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_run_past_long_running_after_opens_an_alert_while_running_and_its_end_resolves_it()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await using var serve = await StartAsync(receiver, "notify: { long_running_after: 2s }");
        await AssertAlertsWhileRunningAndResolvesAsync(serve, receiver, "2s");
    }

    [Test]
    public async Task A_run_past_three_times_its_p95_opens_an_alert_while_running_and_its_end_resolves_it()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await using var serve = await StartAsync(receiver, "notify: { long_running: p95x3 }");
        await SeedHistoryAsync(TimeSpan.FromSeconds(1));
        await AssertAlertsWhileRunningAndResolvesAsync(serve, receiver, "3s");
    }

    [Test]
    public async Task A_run_that_ends_before_the_threshold_alerts_nobody()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await using var serve = await StartAsync(receiver, "notify: { long_running_after: 30s }");
        await EnqueueAsync();
        await serve.WaitUntilAsync(async () => await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE status <> 'running'") == 1,
            Wait, "the run");
        // Stopped, the node can no longer send anything late.
        Assert.That(await serve.StopAsync(Wait), Is.EqualTo(0));

        Assert.Multiple(async () =>
        {
            Assert.That(receiver.Requests, Is.Empty);
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.operator_alerts"), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task A_run_past_three_seconds_but_under_three_times_a_p95_of_a_minute_alerts_nobody()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await using var serve = await StartAsync(receiver, "notify: { long_running: p95x3 }");
        await SeedHistoryAsync(TimeSpan.FromMinutes(1));
        await using (var keys = await TableLock.HoldAsync(Db.ConnectionString))
        {
            await EnqueueAsync();
            // Longer than the alerting test's run before its alert (3 × a 1 s p95), far under 3 × this task's 1 min p95.
            await serve.WaitUntilAsync(() => Db.ScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM worker.job_runs WHERE trigger = 'enqueued' AND status = 'running' AND now() - started_at > interval '5 seconds')"),
                Wait, "a run going for 5 s");
        }
        await serve.WaitUntilAsync(() => Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.job_runs WHERE trigger = 'enqueued' AND status <> 'running')"),
            Wait, "the run's end");
        Assert.That(await serve.StopAsync(Wait), Is.EqualTo(0));

        Assert.Multiple(async () =>
        {
            Assert.That(await Db.ScalarAsync<string>("SELECT status FROM worker.job_runs WHERE trigger = 'enqueued'"), Is.EqualTo("succeeded"));
            Assert.That(receiver.Requests, Is.Empty);
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.operator_alerts"), Is.EqualTo(0));
        });
    }
}
