using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.RunTrust;

/// <summary><c>aionis pause</c> / <c>resume</c> keep their history, refuse pauses that end in the past or say nothing, and CLI runs say who started them.</summary>
public sealed class PauseHistoryTests : BinaryTest
{
    private Dictionary<string, string?> Env => AionisCli.EnvFor(Db, Dir);

    [SetUp]
    public async Task SyncOneTaskAsync()
    {
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 * * *");
        var sync = await AionisCli.RunAsync(["registry", "sync", "--registry", RegistryPath], Env);
        Assert.That(sync.ExitCode, Is.EqualTo(0), sync.Stderr);
    }

    [Test]
    public async Task Resume_ends_the_pause_row_and_a_second_pause_is_a_row_of_its_own()
    {
        var first = await AionisCli.RunAsync(["pause", KeyRotationRegistry.TaskId, "--reason", "db maintenance"], Env);
        var resume = await AionisCli.RunAsync(["resume", KeyRotationRegistry.TaskId], Env);
        var second = await AionisCli.RunAsync(["pause", KeyRotationRegistry.TaskId, "--reason", "vendor incident", "--until", "2h"], Env);

        var rows = await Db.RowsAsync("SELECT reason, paused_by, resumed_at, resumed_by FROM worker.task_pauses ORDER BY paused_at, id");
        var status = (await Db.RowsAsync("SELECT paused, pause_reason, paused_by FROM worker.task_status")).Single();
        var who = $"{Environment.UserName}@cli-test";
        Assert.Multiple(() =>
        {
            Assert.That(new[] { first.ExitCode, resume.ExitCode, second.ExitCode }, Is.All.EqualTo(0), first.Stderr + resume.Stderr + second.Stderr);
            Assert.That(rows, Has.Count.EqualTo(2));
            Assert.That(rows[0]["reason"], Is.EqualTo("db maintenance"));
            Assert.That(rows[0]["paused_by"], Is.EqualTo(who));
            Assert.That(rows[0]["resumed_at"], Is.Not.Null);
            Assert.That(rows[0]["resumed_by"], Is.EqualTo(who));
            Assert.That(rows[1]["reason"], Is.EqualTo("vendor incident"));
            Assert.That(rows[1]["resumed_at"], Is.Null);
            Assert.That(status["paused"], Is.True);
            Assert.That(status["pause_reason"], Is.EqualTo("vendor incident"));
            Assert.That(status["paused_by"], Is.EqualTo(who));
        });
    }

    [TestCase("--until", "2020-01-01T00:00Z", "is not in the future")]
    [TestCase("--until", "0s", "is not in the future")]
    [TestCase("--reason", "", "say why the task is paused")]
    [TestCase("--reason", "   ", "say why the task is paused")]
    public async Task A_pause_that_ends_in_the_past_or_gives_no_reason_is_refused_with_64(string option, string value, string message)
    {
        string[] args = option == "--reason"
            ? ["pause", KeyRotationRegistry.TaskId, "--reason", value]
            : ["pause", KeyRotationRegistry.TaskId, "--reason", "window", option, value];

        var result = await AionisCli.RunAsync(args, Env);

        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64), result.Stderr);
            Assert.That(result.Stderr, Does.Contain(message));
            Assert.That(result.Stderr, Does.Not.Contain("   at "));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.task_pauses"), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task A_run_from_the_command_line_records_the_user_and_host_that_started_it()
    {
        var run = await AionisCli.RunAsync(["run", KeyRotationRegistry.TaskId, "--json", "--registry", RegistryPath], Env);
        var runId = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("run_id").GetString();

        var show = await AionisCli.RunAsync(["history", "show", runId!, "--json"], Env);

        var shown = JsonDocument.Parse(show.Stdout).RootElement;
        Assert.Multiple(async () =>
        {
            Assert.That(show.ExitCode, Is.EqualTo(0), show.Stderr);
            Assert.That(await Db.ScalarAsync<string>("SELECT triggered_by FROM worker.job_runs WHERE run_id = $1::uuid", runId),
                Is.EqualTo($"cli:{Environment.UserName}@{Environment.MachineName}"));
            Assert.That(shown.GetProperty("triggered_by").GetString(), Is.EqualTo($"cli:{Environment.UserName}@{Environment.MachineName}"));
            Assert.That(shown.GetProperty("logs").ValueKind, Is.EqualTo(JsonValueKind.Array));
        });
    }
}
