using Aionis.Tests.Support;
using Aionis.Worker.Scheduling;

namespace Aionis.Tests.Scheduling;

/// <summary>
/// A running <c>serve</c> survives whatever is written to its registry path: each hostile file is a rejected sync and
/// an operator alert, the process stays up and the schedule stays exactly as it was.
/// </summary>
public sealed class HostileRegistryServeTests
{
    private static IEnumerable<(string Name, string Yaml, string Error)> HostileFiles()
    {
        yield return ("recursive alias as a key", "? &r [a, *r]\n: 1\n", "task_registry.yml:1:3: yaml: a key must be a plain value");
        yield return ("200k-deep nesting", "version: 1\nx: " + new string('[', 200_000) + new string(']', 200_000) + "\n", "task_registry.yml:2:19: yaml: nested more than 16 levels deep");
        yield return ("larger than 1 MiB", KeyRotationRegistry.Yaml("0 6 * * *") + "# " + new string('x', 1024 * 1024) + "\n", "task_registry.yml:1:1: file:");
        yield return ("a new task beside one that never fires", KeyRotationRegistry.Yaml("0 6 * * *") + KeyRotationRegistry.SecondTask +
            KeyRotationRegistry.SecondTask.Replace("key_rotation_sla_weekly", "february_30").Replace("0 7 * * 1", "0 0 30 2 *"), "task 'february_30': schedule:");
    }

    /// <summary>As editors and configuration tools do: a half-written 1 MiB file could be a valid registry for a moment.</summary>
    private static async Task WriteAtomicallyAsync(string path, string text)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    [Test]
    public async Task Hostile_files_written_to_the_registry_path_are_rejected_and_the_schedule_and_the_process_survive()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var receiver = await AlertReceiver.StartAsync();
        var dir = Directory.CreateTempSubdirectory("aionis-hostile-serve-").FullName;
        var registry = Path.Combine(dir, "task_registry.yml");
        await KeyRotationRegistry.WriteAsync(registry, "0 6 * * *");
        await using var serve = ServeProcess.Start(db, registry, "node-a", dir, new Dictionary<string, string?>
        {
            ["Alerts__AllowInsecureTargets"] = "true",
            ["AIONIS_ALERT_CHANNELS"] = $$"""[{"id":"ops","type":"generic_webhook","url":"{{receiver.Url("/ops")}}"}]""",
        });
        await serve.WaitUntilAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM worker.registry_syncs WHERE accepted") == 1,
            TimeSpan.FromSeconds(60), "the first sync");
        var schedule = await db.FingerprintAsync("worker.qrtz_job_details", "worker.qrtz_triggers", "worker.qrtz_cron_triggers");

        foreach (var (name, yaml, error) in HostileFiles())
        {
            await WriteAtomicallyAsync(registry, yaml);
            var hash = RegistryLoader.HashOf(registry);
            await serve.WaitUntilAsync(async () => await db.ScalarAsync<long>(
                $"SELECT count(*) FROM worker.registry_syncs WHERE NOT accepted AND registry_hash = '{hash}'") >= 1, TimeSpan.FromSeconds(60), $"'{name}' to be rejected");
            var errors = await db.ScalarAsync<string>($"SELECT errors::text FROM worker.registry_syncs WHERE registry_hash = '{hash}' ORDER BY id DESC LIMIT 1");
            Assert.Multiple(async () =>
            {
                Assert.That(errors, Does.Contain(error), name);
                Assert.That(serve.HasExited, Is.False, name);
                Assert.That(await db.FingerprintAsync("worker.qrtz_job_details", "worker.qrtz_triggers", "worker.qrtz_cron_triggers"), Is.EqualTo(schedule), name);
            });
        }
        await serve.WaitUntilAsync(() => Task.FromResult(!receiver.Requests.IsEmpty), TimeSpan.FromSeconds(30), "the operator alert");

        await WriteAtomicallyAsync(registry, KeyRotationRegistry.Yaml("0 6 * * *"));
        await serve.WaitUntilAsync(() => Task.FromResult(receiver.Requests.Count >= 2), TimeSpan.FromSeconds(60), "the resolve once a good file is back");

        var bodies = receiver.Requests.Select(r => r.Body).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(bodies, Has.Count.EqualTo(2), "one alert per dedupe window, however many bad files, then one resolve:\n" + string.Join("\n", bodies));
            Assert.That(bodies[0], Does.Contain("registry_rejected").And.Contain("keeps running"));
            Assert.That(bodies[1], Does.Contain("recovered"));
            Assert.That(serve.Output, Does.Not.Contain("Unhandled exception").And.Not.Contain("Stack overflow"));
        });
        Directory.Delete(dir, recursive: true);
    }
}
