using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.Scheduling;

/// <summary>Registry <c>notify:</c> through a running daemon: a task failing on every fire pages once; a success resolves.</summary>
public sealed class ServeNotificationTests
{
    [Test]
    public async Task A_task_failing_every_fire_alerts_once_and_its_recovery_sends_one_resolve()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var receiver = await AlertReceiver.StartAsync();
        var dir = Directory.CreateTempSubdirectory("aionis-notify-").FullName;
        var registry = Path.Combine(dir, "task_registry.yml");
        await KeyRotationRegistry.WriteAsync(registry, "0/2 * * * * ?", "timeout: 1s", "overlap: allow", "notify: { on_failure: true, severity: warning, overdue_after: 1h }");
        // overdue_after: this test is about failures; a loaded machine must not make the task overdue as well.
        // Every run blocks on this lock and times out after 1 s: a task that fails on every fire.
        await using var keys = await TableLock.HoldAsync(db.ConnectionString);

        await using var serve = ServeProcess.Start(db, registry, "node-a", dir, new Dictionary<string, string?>
        {
            ["Alerts__AllowInsecureTargets"] = "true",
            ["AIONIS_ALERT_CHANNELS"] = $$"""[{"id":"ops","type":"generic_webhook","url":"{{receiver.Url("/ops")}}"}]""",
        });
        await serve.WaitUntilAsync(async () => await db.ScalarAsync<long>(
            "SELECT count(*) FROM worker.job_runs WHERE task_id = 'key_rotation_sla' AND status = 'timed_out'") >= 3
            && !receiver.Requests.IsEmpty,
            TimeSpan.FromSeconds(60), "three timed-out runs and the alert (sent after the run's row is written)");
        var alertsWhileFailing = receiver.Requests.Count;

        await keys.ReleaseAsync();
        await serve.WaitUntilAsync(() => Task.FromResult(receiver.Requests.Count >= 2), TimeSpan.FromSeconds(90), "the resolve");
        // A success after the resolving one, then a clean stop, which waits for running jobs and their notices: what
        // the daemon would still send has been sent once it has exited.
        await serve.WaitUntilAsync(async () => await db.ScalarAsync<long>(
            "SELECT count(*) FROM worker.job_runs WHERE task_id = 'key_rotation_sla' AND status = 'succeeded'") >= 2,
            TimeSpan.FromSeconds(30), "a second success");
        var exit = await serve.StopAsync(TimeSpan.FromSeconds(60));

        var bodies = receiver.Requests.Select(r => r.Body).ToList();
        var events = bodies.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("event_type").GetString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(0), serve.Output);
            Assert.That(alertsWhileFailing, Is.EqualTo(1), "one alert per dedupe window, however often the task fails");
            Assert.That(events, Is.EqualTo(new[] { "job_failed", "job_failure_recovered" }), string.Join("\n", bodies));
            Assert.That(bodies[0], Does.Contain("key_rotation_sla"));
            Assert.That(bodies[0], Does.Contain("aionis history show"));
            Assert.That(bodies[1], Does.Contain("recovered: task key_rotation_sla"));
        });
    }
}
