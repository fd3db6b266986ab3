using System.Diagnostics;
using Aionis.Tests.Support;

namespace Aionis.Tests.Production;

/// <summary>serve re-syncs on file edits and on SIGHUP; a bad edit is rejected, logged, and the schedule stays.</summary>
public sealed class RegistryReloadTests : BinaryTest
{
    [Test]
    public async Task Edits_and_sighup_resync_and_a_bad_edit_is_rejected_keeping_the_schedule()
    {
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 * * *", KeyRotationRegistry.RecoverableStrict);
        await using var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir);
        Task<long> Syncs(string where) => Db.ScalarAsync<long>($"SELECT count(*) FROM worker.registry_syncs WHERE {where}");
        await serve.WaitUntilAsync(async () => await Syncs("accepted") == 1, TimeSpan.FromSeconds(60), "the first sync");

        await File.WriteAllTextAsync(RegistryPath, KeyRotationRegistry.Yaml("0 6 * * *", KeyRotationRegistry.RecoverableStrict) + KeyRotationRegistry.SecondTask);
        await serve.WaitUntilAsync(async () => await Syncs("accepted AND added = ARRAY['key_rotation_sla_weekly']") == 1,
            TimeSpan.FromSeconds(30), "the edit to be synced");

        // A late watcher event of the edit can still add a sync of its own: the handler's line proves the HUP was taken.
        var acceptedBeforeHangup = await Syncs("accepted");
        serve.Signal("HUP");
        await serve.WaitUntilAsync(async () => serve.Output.Contains("SIGHUP: reloading", StringComparison.Ordinal) && await Syncs("accepted") > acceptedBeforeHangup,
            TimeSpan.FromSeconds(30), "a sync on SIGHUP");
        var triggersBefore = await Db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_triggers");

        await File.WriteAllTextAsync(RegistryPath, "version: 1\ntasks:\n  - id: Bad-Id\n    job: no-such-job\n");
        await serve.WaitUntilAsync(async () => await Syncs("NOT accepted") == 1, TimeSpan.FromSeconds(30), "the bad edit to be rejected");

        Assert.Multiple(async () =>
        {
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_triggers"), Is.EqualTo(triggersBefore));
            Assert.That(triggersBefore, Is.EqualTo(2L));
            Assert.That(serve.Output, Does.Contain("rejected"));
            Assert.That(serve.HasExited, Is.False);
        });
    }

    /// <summary>
    /// Started with SIGHUP ignored (as under nohup, or by a runner that ignores it), serve still reloads on SIGHUP. .NET
    /// installs no handler for a signal the process inherited ignored, so before serve took the signal back a HUP did
    /// nothing at all, and the test above timed out waiting for a sync whenever its run had been started that way.
    /// </summary>
    [Test]
    public async Task Sighup_resyncs_even_when_serve_was_started_with_sighup_ignored()
    {
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 * * *", KeyRotationRegistry.RecoverableStrict);
        await using var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir, launcher: WithHangupIgnored);
        await serve.WaitForOutputAsync("an edit or SIGHUP re-syncs it", TimeSpan.FromSeconds(60));
        var before = await Db.ScalarAsync<long>("SELECT count(*) FROM worker.registry_syncs WHERE accepted");

        serve.Signal("HUP");
        await serve.WaitUntilAsync(async () => await Db.ScalarAsync<long>("SELECT count(*) FROM worker.registry_syncs WHERE accepted") > before,
            TimeSpan.FromSeconds(30), "a sync on SIGHUP");

        Assert.Multiple(() =>
        {
            Assert.That(serve.Output, Does.Contain("SIGHUP was ignored by the process that started serve"));
            Assert.That(serve.Output, Does.Contain("SIGHUP: reloading"));
        });
    }

    /// <summary>The same command through a shell that ignores SIGHUP and then execs it: the child inherits the ignore.</summary>
    private static ProcessStartInfo WithHangupIgnored(ProcessStartInfo info)
    {
        var args = info.ArgumentList.ToList();
        info.ArgumentList.Clear();
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("trap '' HUP; exec \"$0\" \"$@\"");
        info.ArgumentList.Add(info.FileName);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.FileName = "bash";
        return info;
    }
}
