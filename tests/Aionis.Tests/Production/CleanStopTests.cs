using Aionis.Tests.Support;

namespace Aionis.Tests.Production;

/// <summary>
/// A clean SIGTERM says that the worker stopped and signs the node off the cluster, so its next start does not take its
/// own earlier check-in for a crashed instance. A hard kill, the negative control, still does.
/// </summary>
public sealed class CleanStopTests : BinaryTest
{
    private const string FailedInstances = "failed or restarted instances";

    private static readonly Dictionary<string, string?> Verbose = new()
    {
        ["Logging__LogLevel__Default"] = "Information",
        ["Logging__LogLevel__Quartz"] = "Information",
    };

    [SetUp]
    public Task ArrangeAsync() => KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 * * *");

    private async Task<ServeProcess> StartAsync()
    {
        var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir, Verbose);
        await serve.WaitUntilAsync(() => Db.ScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM worker.qrtz_scheduler_state WHERE instance_name = 'node-a')"), TimeSpan.FromSeconds(60), "the first check-in");
        return serve;
    }

    [Test]
    public async Task After_a_clean_stop_the_next_start_does_not_report_a_failed_instance()
    {
        await using (var first = await StartAsync())
        {
            first.Signal("TERM");
            Assert.That(await first.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.EqualTo(0), first.Output);
            Assert.That(first.Output, Does.Contain("stopped cleanly: node node-a signed off the cluster"));
        }
        var rowAfterStop = await Db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_scheduler_state WHERE instance_name = 'node-a'");

        await using var second = await StartAsync();
        // The failed-instance check runs at each check-in: wait for the one after the first.
        var firstCheckin = await LastCheckinAsync();
        await second.WaitUntilAsync(async () => await LastCheckinAsync() != firstCheckin, TimeSpan.FromSeconds(30), "a second check-in");
        second.Signal("TERM");
        await second.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Multiple(() =>
        {
            Assert.That(rowAfterStop, Is.EqualTo(0));
            Assert.That(second.Output, Does.Not.Contain(FailedInstances));
        });
    }

    private Task<long> LastCheckinAsync() =>
        Db.ScalarAsync<long>("SELECT last_checkin_time FROM worker.qrtz_scheduler_state WHERE instance_name = 'node-a'");

    [Test]
    public async Task After_a_hard_kill_the_next_start_still_recovers_the_instance()
    {
        await using (var first = await StartAsync())
        {
            first.KillHard();
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        await using var second = await StartAsync();
        await second.WaitForOutputAsync(FailedInstances, TimeSpan.FromSeconds(60));
        second.Signal("TERM");
        await second.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.That(second.Output, Does.Contain(FailedInstances));
    }

    [Test]
    public async Task Without_operator_channels_serve_says_so_once_at_start_with_the_key_to_set()
    {
        await using var serve = await StartAsync();
        await serve.WaitForOutputAsync("no operator alert channels", TimeSpan.FromSeconds(30));
        serve.Signal("TERM");
        await serve.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Multiple(() =>
        {
            Assert.That(serve.Output.Split("no operator alert channels").Length - 1, Is.EqualTo(1));
            Assert.That(serve.Output, Does.Contain("set Alerts:Channels or AIONIS_ALERT_CHANNELS"));
        });
    }
}
