using Aionis.Tests.Support;

namespace Aionis.Tests.Reports;

/// <summary>aionis game-day ack|show through the real binary: who is the OS user, a bad run or step is one line and exit 64.</summary>
public sealed class GameDayCliTests
{
    private TestDatabase _db = null!;
    private AlertReceiver _receiver = null!;
    private string _dir = null!;
    private Dictionary<string, string?> _env = null!;

    [SetUp]
    public async Task SetUp()
    {
        _db = await TestDatabase.CreateAsync();
        _receiver = await AlertReceiver.StartAsync();
        _dir = Directory.CreateTempSubdirectory("aionis-game-day-cli-").FullName;
        _env = AionisCli.EnvFor(_db, _dir);
        _env["Alerts__AllowInsecureTargets"] = "true";
        _env["AIONIS_ALERT_CHANNELS"] = $$"""[{"id":"hook","type":"generic_webhook","url":"{{_receiver.Url("/hook")}}"}]""";
    }

    [TearDown]
    public async Task TearDown()
    {
        await _receiver.DisposeAsync();
        await _db.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<string> DrillAsync()
    {
        var drill = await AionisCli.RunAsync(["job", "game-day", "--exercise", "alert-routing", "--json"], _env);
        Assert.That(drill.ExitCode, Is.EqualTo(0), drill.Stderr);
        return System.Text.Json.JsonDocument.Parse(drill.Stdout).RootElement.GetProperty("run_id").GetString()!;
    }

    [Test]
    public async Task An_ack_is_recorded_as_the_os_user_and_show_renders_the_report_with_it()
    {
        var runId = await DrillAsync();
        var sentAt = await _db.ScalarAsync<DateTime>("SELECT started_at FROM worker.job_run_steps WHERE run_id = $1::uuid AND name = 'alert:hook'", runId);
        var ackedAt = sentAt.AddSeconds(1).ToUniversalTime();
        var at = ackedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        // ack refuses a time in the future: on a fast machine the drill ends within that second.
        while (DateTime.UtcNow <= ackedAt) await Task.Delay(50);

        var ack = await AionisCli.RunAsync(["game-day", "ack", runId, "--step", "alert:hook", "--at", at, "--comment", "paged"], _env);
        var show = await AionisCli.RunAsync(["game-day", "show", runId], _env);

        var row = (await _db.RowsAsync("SELECT acknowledged_by, comment FROM worker.game_day_acks WHERE run_id = $1::uuid AND step = 'alert:hook'", runId)).Single();
        TestContext.Out.WriteLine(show.Stdout);
        Assert.Multiple(() =>
        {
            Assert.That(ack.ExitCode, Is.EqualTo(0), ack.Stderr);
            Assert.That(row["acknowledged_by"], Is.EqualTo($"cli:{Environment.UserName}@{Environment.MachineName}"));
            Assert.That(row["comment"], Is.EqualTo("paged"));
            Assert.That(ack.Stdout, Does.Contain("time to acknowledge 1 s (met)"));
            Assert.That(show.ExitCode, Is.EqualTo(0), show.Stderr);
            Assert.That(show.Stdout, Does.StartWith("# Game day · alert-routing · SEV2"));
            Assert.That(show.Stdout, Does.Contain("| time to acknowledge (first channel) | 1 s | 15 min (SEV2) | ✅ met |"));
            Assert.That(show.Stdout, Does.Contain($"cli:{Environment.UserName}@{Environment.MachineName} (recorded)"));
        });
    }

    [TestCase("unknown-run", "--step", "alert:hook", "RUN_ID '00000000-0000-0000-0000-00000000beef': no such run in worker.job_runs")]
    [TestCase("drill", "--step", "alert:slack", "--step 'alert:slack': allowed alert:hook")]
    [TestCase("drill", "--step", "restore", "--step 'restore': allowed alert:hook")]
    [TestCase("not-a-uuid", "--step", "alert:hook", "RUN_ID 'abc': expected a run id")]
    [TestCase("drill", "--at", "yesterday-ish", "--at 'yesterday-ish': expected an ISO-8601 time")]
    public async Task A_bad_run_or_step_is_one_line_and_exit_64(string run, string option, string value, string expected)
    {
        var runId = run switch { "drill" => await DrillAsync(), "not-a-uuid" => "abc", _ => "00000000-0000-0000-0000-00000000beef" };
        string[] args = option == "--at" ? ["game-day", "ack", runId, "--step", "alert:hook", "--at", value] : ["game-day", "ack", runId, option, value];

        var result = await AionisCli.RunAsync(args, _env);

        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64), result.Stderr);
            Assert.That(lines, Has.Length.EqualTo(1), result.Stderr);
            Assert.That(lines[0], Does.Contain(expected));
            Assert.That(await _db.ScalarAsync<long>("SELECT count(*) FROM worker.game_day_acks"), Is.EqualTo(0));
        });
    }
}
