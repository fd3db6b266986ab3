using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.Cli;

/// <summary>The rough edges a newcomer hit on the command line (issue 13, "CLI rough edges seen").</summary>
public sealed class CliSurfaceTests : CliFixtureTest
{
    private static readonly string[] JobTypes = Aionis.Jobs.Framework.JobCatalog.Default.All.Select(j => j.Name).ToArray();

    [Test]
    public async Task Job_json_and_history_show_json_print_the_run()
    {
        var job = await AionisCli.RunAsync(["job", "hosted-key-rotation-sla", "--json"], Env);
        var run = JsonDocument.Parse(job.Stdout).RootElement;
        var show = await AionisCli.RunAsync(["history", "show", run.GetProperty("run_id").GetString()!, "--json"], Env);

        Assert.Multiple(() =>
        {
            Assert.That(job.ExitCode, Is.EqualTo(0), job.Stderr);
            Assert.That(run.GetProperty("status").GetString(), Is.EqualTo("succeeded"));
            Assert.That(run.GetProperty("summary").GetProperty("ok").GetBoolean(), Is.True, "no key in this database breaks the SLA");
            Assert.That(show.ExitCode, Is.EqualTo(0), show.Stderr);
            Assert.That(JsonDocument.Parse(show.Stdout).RootElement.GetProperty("job").GetString(), Is.EqualTo("hosted-key-rotation-sla"));
        });
    }

    [Test]
    public async Task Jobs_markdown_without_a_job_renders_every_job_type()
    {
        var result = await AionisCli.RunAsync(["jobs", "--markdown"]);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0));
            foreach (var job in JobTypes) Assert.That(result.Stdout, Does.Contain($"### `{job}`"));
            Assert.That(result.Stdout.Split("| option | type | default | range | meaning |").Length - 1, Is.EqualTo(JobTypes.Length));
        });
    }

    [Test]
    public async Task Help_prints_each_default_once_and_describes_behaviour_not_the_reference()
    {
        List<string[]> commands = [["history", "--help"], ["demo", "seed", "--help"], ["run", "--help"], ["job", "--help"], ["--help"]];
        commands.AddRange(JobTypes.Select(j => new[] { "job", j, "--help" }));
        commands.AddRange(JobTypes.Select(j => new[] { "jobs", j }));

        // A hundred short processes: a few at a time, so this one test is not the run's longest.
        var helps = new CliResult[commands.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, commands.Count), new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (i, _) => helps[i] = await AionisCli.RunAsync(commands[i]));
        foreach (var (args, help) in commands.Zip(helps))
        {
            var doubled = help.Stdout.Split('\n').Where(l => l.Contains("(default") && l.Contains("[default:")).ToList();
            Assert.Multiple(() =>
            {
                Assert.That(help.ExitCode, Is.EqualTo(0), string.Join(' ', args));
                Assert.That(doubled, Is.Empty, string.Join(' ', args));
                Assert.That(help.Stdout, Does.Not.Contain("reference"), string.Join(' ', args));
            });
        }
    }

    [Test]
    public async Task Enqueue_warns_when_no_node_checks_in_and_not_when_one_does()
    {
        var alone = await AionisCli.RunAsync(["run", "key_rotation_sla", "--enqueue", "--registry", RegistryPath], Env);
        await Db.ExecuteAsync("""
            INSERT INTO worker.qrtz_scheduler_state (sched_name, instance_name, last_checkin_time, checkin_interval)
            VALUES ('aionis', 'live-node', $1, 7500)
            """, DateTime.UtcNow.Ticks);
        var withNode = await AionisCli.RunAsync(["run", "key_rotation_sla", "--enqueue", "--registry", RegistryPath], Env);
        var queued = await Db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_triggers WHERE trigger_group = 'enqueued' AND job_name = 'key_rotation_sla'");

        Assert.Multiple(() =>
        {
            Assert.That(alone.ExitCode, Is.EqualTo(0), alone.Stderr);
            Assert.That(alone.Stderr, Does.Contain("warning: no node of the cluster checked in").And.Contain("stays queued"));
            Assert.That(withNode.ExitCode, Is.EqualTo(0), withNode.Stderr);
            Assert.That(withNode.Stderr, Does.Not.Contain("warning"));
            Assert.That(queued, Is.EqualTo(2), "both runs are enqueued");
        });
    }

    [Test]
    public async Task A_missing_bucket_is_one_short_message_naming_it()
    {
        var bundle = PublishingTargets.MakeBundle(files: 2, largeBytes: 10);
        var result = await AionisCli.RunAsync(
            ["job", "incident-publish-hosted", "--source-dir", bundle, "--target", "s3://no-such-bucket-7f3a/p", "--run-id", "r1"],
            PublishingTargets.CliEnv(Db, Dir));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.Stderr);
            Assert.That(result.Stderr, Does.Contain("S3 bucket 'no-such-bucket-7f3a' does not exist"));
            Assert.That(result.Stderr, Does.Not.Contain("   at ").And.Not.Contain("Amazon.Runtime"));
            Assert.That(result.Stderr.Length, Is.LessThan(800), result.Stderr);
            Assert.That(result.Stderr.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), "one line reaches the user:\n" + result.Stderr);
        });
        Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_run_logs WHERE message LIKE '%''no-such-bucket-7f3a'' does not exist%'"),
            Is.EqualTo(1), "the runner's own line is kept with the run, off the console");
    }

    [TestCase("version: 1\ntasks:\n  - id: a\n    job: hosted-key-rotation-sla\n\tschedule: \"0 6 * * *\"\n", "task_registry.yml:5:1: yaml: a tab in the indentation")]
    [TestCase("version: 1\ntasks:\n  - id: a\n    job: hosted-key-rotation-sla\n    schedule: \"0 6 * * *\"\n    inputs:\n    \t strict: true\n", "task_registry.yml:7:5: yaml: a tab in the indentation")]
    public async Task A_tab_is_reported_at_its_own_line_and_column(string yaml, string expected)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("aionis-tab-").FullName, "task_registry.yml");
        await File.WriteAllTextAsync(path, yaml);

        var result = await AionisCli.RunAsync(["registry", "validate", "--registry", path]);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64));
            Assert.That(result.Stderr, Does.StartWith(expected));
        });
    }

    [Test]
    public async Task A_bad_default_is_reported_once_not_once_per_task()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("aionis-defaults-").FullName, "task_registry.yml");
        await File.WriteAllTextAsync(path, """
            version: 1
            defaults: { overlap: sometimes }
            tasks:
              - { id: a, job: hosted-key-rotation-sla, schedule: "0 6 * * *", permissions: [read:control_plane] }
              - { id: b, job: hosted-key-rotation-sla, schedule: "0 7 * * *", permissions: [read:control_plane] }
              - { id: c, job: hosted-key-rotation-sla, schedule: "0 8 * * *", permissions: [read:control_plane], catch_up: never }
            """);

        var result = await AionisCli.RunAsync(["registry", "validate", "--registry", path]);

        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64));
            Assert.That(lines.Count(l => l.Contains("overlap")), Is.EqualTo(1), result.Stderr);
            Assert.That(result.Stderr, Does.Contain("task_registry.yml:2:22: defaults.overlap: 'sometimes' must be one of skip, queue, allow"));
            Assert.That(result.Stderr, Does.Contain("task 'c': catch_up: 'never'"), "a task's own bad value still names the task");
        });
    }
}
