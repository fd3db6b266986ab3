using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.Controls;

/// <summary>
/// <c>aionis status</c> read from the database alone (no node runs): a failing task, a paused one with its reason and
/// until, a run enqueued but not started, the next fires; <c>--strict</c> exits 2 naming the failing task.
/// </summary>
public sealed class StatusWithoutNodeTests : BinaryTest
{
    private Task<CliResult> CliAsync(params string[] args) => AionisCli.RunAsync(args, AionisCli.EnvFor(Db, Dir));

    [Test]
    public async Task Status_shows_failing_paused_queued_and_next_fires_and_strict_exits_2_for_a_failing_task()
    {
        await File.WriteAllTextAsync(RegistryPath, KeyRotationRegistry.Yaml("0 6 * * *", "timeout: 1s") + KeyRotationRegistry.SecondTask);
        Assert.That((await CliAsync("registry", "sync", "--registry", RegistryPath)).ExitCode, Is.EqualTo(0));
        var healthy = await CliAsync("status", "--json");

        await using (await TableLock.HoldAsync(Db.ConnectionString))
        {
            var failed = await CliAsync("run", KeyRotationRegistry.TaskId, "--registry", RegistryPath);
            Assert.That(failed.ExitCode, Is.EqualTo(1), "the run times out on the locked table: " + failed.Stderr);
        }
        var pause = await CliAsync("pause", "key_rotation_sla_weekly", "--reason", "db maintenance", "--until", "2h");
        var enqueue = await CliAsync("run", KeyRotationRegistry.TaskId, "--registry", RegistryPath, "--enqueue");
        var status = await CliAsync("status", "--json");
        var text = await CliAsync("status");
        var strict = await CliAsync("status", "--strict");
        var doc = JsonDocument.Parse(status.Stdout).RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(JsonDocument.Parse(healthy.Stdout).RootElement.GetProperty("failing").GetArrayLength(), Is.EqualTo(0), "negative control");
            Assert.That(pause.ExitCode, Is.EqualTo(0), pause.Stderr);
            Assert.That(enqueue.ExitCode, Is.EqualTo(0), enqueue.Stderr);
            Assert.That(enqueue.Stderr, Does.Contain("warning: no node of the cluster checked in"));
            Assert.That(status.ExitCode, Is.EqualTo(0), status.Stderr);
            Assert.That(doc.GetProperty("failing")[0].GetProperty("task_id").GetString(), Is.EqualTo(KeyRotationRegistry.TaskId));
            Assert.That(doc.GetProperty("failing")[0].GetProperty("status").GetString(), Is.EqualTo("timed_out"));
            Assert.That(doc.GetProperty("paused")[0].GetProperty("task_id").GetString(), Is.EqualTo("key_rotation_sla_weekly"));
            Assert.That(doc.GetProperty("paused")[0].GetProperty("reason").GetString(), Is.EqualTo("db maintenance"));
            Assert.That(doc.GetProperty("paused")[0].GetProperty("until").GetDateTimeOffset(), Is.InRange(DateTimeOffset.UtcNow.AddHours(1.9), DateTimeOffset.UtcNow.AddHours(2)));
            Assert.That(doc.GetProperty("queued")[0].GetProperty("task_id").GetString(), Is.EqualTo(KeyRotationRegistry.TaskId));
            Assert.That(doc.GetProperty("next_fires").EnumerateArray().Select(f => f.GetProperty("task_id").GetString()), Is.EqualTo(new[] { KeyRotationRegistry.TaskId }),
                "the paused task does not fire");
            Assert.That(text.Stdout, Does.Contain("no node is running"));
            Assert.That(strict.ExitCode, Is.EqualTo(2), strict.Stdout);
            Assert.That(strict.Stdout, Does.Contain($"task {KeyRotationRegistry.TaskId} last run timed_out"));
        });
    }
}
