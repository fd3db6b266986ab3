using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.Cli;

/// <summary>What an operator types: pause/resume with the views, history and history show.</summary>
public sealed class OperatorCommandTests : CliFixtureTest
{

    [Test]
    public async Task Pause_with_until_is_persisted_and_shown_by_task_status_and_resume_lifts_it()
    {
        var pause = await AionisCli.RunAsync(["pause", "key_rotation_sla", "--reason", "db maintenance", "--until", "2h"], Env);
        var paused = (await Db.RowsAsync("SELECT paused, pause_reason, paused_until FROM worker.task_status WHERE task_id = 'key_rotation_sla'")).Single();
        var state = await Db.ScalarAsync<string>("SELECT trigger_state FROM worker.qrtz_triggers WHERE trigger_name = 'key_rotation_sla'");

        var resume = await AionisCli.RunAsync(["resume", "key_rotation_sla"], Env);

        Assert.Multiple(async () =>
        {
            Assert.That(pause.ExitCode, Is.EqualTo(0), pause.Stderr);
            Assert.That(paused["paused"], Is.True);
            Assert.That(paused["pause_reason"], Is.EqualTo("db maintenance"));
            Assert.That(paused["paused_until"], Is.Not.Null);
            Assert.That(state, Is.EqualTo("PAUSED"));
            Assert.That(resume.ExitCode, Is.EqualTo(0));
            Assert.That(await Db.ScalarAsync<bool>("SELECT paused FROM worker.task_status WHERE task_id = 'key_rotation_sla'"), Is.False);
        });
    }

    [Test]
    public async Task Registry_list_shows_the_persisted_next_fire_time_and_a_pause()
    {
        await AionisCli.RunAsync(["pause", "key_rotation_sla", "--reason", "list check"], Env);
        var list = await AionisCli.RunAsync(["registry", "list", "--registry", RegistryPath], Env);
        await AionisCli.RunAsync(["resume", "key_rotation_sla"], Env);

        var next = await Db.ScalarAsync<DateTime>("SELECT next_fire_time FROM worker.task_status WHERE task_id = 'key_rotation_sla'");
        Assert.Multiple(() =>
        {
            Assert.That(list.ExitCode, Is.EqualTo(0), list.Stderr);
            Assert.That(list.Stdout, Does.Contain($"{next:yyyy-MM-dd HH:mm:ss} (paused)"));
        });
    }

    [Test]
    public async Task Pausing_an_unknown_task_is_a_usage_error()
    {
        var result = await AionisCli.RunAsync(["pause", "no_such_task", "--reason", "x"], Env);

        Assert.That(result.ExitCode, Is.EqualTo(64));
    }

    [Test]
    public async Task History_lists_runs_and_show_prints_one_in_full()
    {
        var run = await AionisCli.RunAsync(["run", "key_rotation_sla", "--json", "--registry", RegistryPath], Env);
        var runId = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("run_id").GetString();

        var table = await AionisCli.RunAsync(["history", "--task", "key_rotation_sla", "--since", "1h"], Env);
        var json = await AionisCli.RunAsync(["history", "--json", "--limit", "5"], Env);
        var show = await AionisCli.RunAsync(["history", "show", runId!], Env);
        var badLimit = await AionisCli.RunAsync(["history", "--limit", "0"], Env);

        Assert.Multiple(() =>
        {
            Assert.That(table.ExitCode, Is.EqualTo(0));
            Assert.That(table.Stdout, Does.Contain(runId));
            Assert.That(table.Stdout, Does.Contain("key_rotation_sla"));
            Assert.That(JsonDocument.Parse(json.Stdout).RootElement.GetArrayLength(), Is.GreaterThanOrEqualTo(1));
            Assert.That(JsonDocument.Parse(show.Stdout).RootElement.GetProperty("summary").GetProperty("thresholds").GetProperty("max_age_days").GetInt32(), Is.EqualTo(30));
            Assert.That(badLimit.ExitCode, Is.EqualTo(64));
            Assert.That(badLimit.Stderr, Does.Contain("--limit '0'"));
        });
    }
}
