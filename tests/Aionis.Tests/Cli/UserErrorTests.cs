using Aionis.Tests.Support;

namespace Aionis.Tests.Cli;

/// <summary>
/// A user error is one stderr line naming the option and the value, exit 64, never a stack trace (issue 14, "Exit codes
/// and messages"). One row per case; the corpus grows with every defect found.
/// </summary>
public sealed class UserErrorTests : CliFixtureTest
{

    public sealed record Case(string Name, string[] Args, string Expected)
    {
        public override string ToString() => Name;
    }

    public static readonly Case[] Cases =
    [
        new("enqueue for an unknown tenant (foreign key)",
            ["job", "hosted-incident-publish-enqueue", "--tenant-id", "nosuch", "--source-dir", "{dir}", "--target", "s3://bucket/x", "--run-id", "r1"],
            "--tenant-id 'nosuch': no such tenant"),
        new("verify a missing folder", ["job", "hosted-incident-verify", "--bundle-dir", "/nonexistent/bundle"], "--bundle-dir '/nonexistent/bundle': no such folder"),
        new("-c with a value that is not a duration", ["-c", "Worker:ShutdownGrace=banana", "history"], "Worker:ShutdownGrace 'banana': allowed a duration"),
        new("--since that overflows", ["history", "--since", "99999999999999999999d"], "--since '99999999999999999999d': expected a duration"),
        new("--since longer than ten years", ["history", "--since", "4000d"], "--since '4000d': expected a duration like 30m, 24h, 7d, at most 3650d"),
        new("pause --until that overflows", ["pause", "key_rotation_sla", "--reason", "x", "--until", "99999999999999d"], "--until '99999999999999d': expected a future ISO-8601 time"),
        new("pause --until a past time", ["pause", "key_rotation_sla", "--reason", "x", "--until", "2020-01-01T00:00Z"], "--until '2020-01-01T00:00Z': 2020-01-01T00:00:00Z is not in the future"),
        new("a flag with a value that is not a boolean", ["job", "hosted-key-rotation-sla", "--strict=maybe"], "--strict 'maybe': expected true or false"),
        new("history of a task that does not exist", ["history", "--task", "nosuch"], "--task 'nosuch': no such task"),
        new("history show of a run id that is not one", ["history", "show", "not-a-uuid", "--json"], "run-id 'not-a-uuid': expected a UUID"),
    ];

    [TestCaseSource(nameof(Cases))]
    public async Task A_user_error_is_one_line_and_exit_64(Case row)
    {
        var paused = await PausedCountAsync();
        var result = await AionisCli.RunAsync(row.Args.Select(a => a.Replace("{dir}", Dir)), Env);

        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64), result.Stderr);
            Assert.That(lines, Has.Length.EqualTo(1), result.Stderr);
            Assert.That(result.Stderr, Does.Contain(row.Expected));
            Assert.That(result.Stderr, Does.Not.Contain("   at ").And.Not.Contain("\\u0027"));
            Assert.That(await PausedCountAsync(), Is.EqualTo(paused), "a refused command changes nothing");
        });
    }

    [Test]
    public async Task The_same_commands_with_good_values_succeed()
    {
        var future = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm'Z'");
        var run = await AionisCli.RunAsync(["run", "key_rotation_sla", "--registry", RegistryPath], Env);
        var history = await AionisCli.RunAsync(["history", "--task", "key_rotation_sla", "--since", "3650d"], Env);
        var strict = await AionisCli.RunAsync(["job", "hosted-key-rotation-sla", "--strict=false"], Env);
        var pause = await AionisCli.RunAsync(["pause", "key_rotation_sla", "--reason", "window", "--until", future], Env);
        var resume = await AionisCli.RunAsync(["resume", "key_rotation_sla"], Env);

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
            Assert.That(history.ExitCode, Is.EqualTo(0), history.Stderr);
            Assert.That(history.Stdout, Does.Contain("key_rotation_sla"));
            Assert.That(strict.ExitCode, Is.EqualTo(0), strict.Stderr);
            Assert.That(pause.ExitCode, Is.EqualTo(0), pause.Stderr);
            Assert.That(resume.ExitCode, Is.EqualTo(0), resume.Stderr);
        });
    }

    private Task<long> PausedCountAsync() => Db.ScalarAsync<long>("SELECT count(*) FROM worker.task_pauses");
}
