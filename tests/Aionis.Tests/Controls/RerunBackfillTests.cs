using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.Controls;

/// <summary>
/// <c>aionis backfill</c> and <c>aionis rerun</c> of a daily task from the CLI: each run's clock is its fire time, so the
/// report's as-of time (<c>checked_at</c>) is that day's 06:00, not today.
/// </summary>
public sealed class RerunBackfillTests : BinaryTest
{
    private static readonly DateTimeOffset Today = new(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero);

    private Task<CliResult> CliAsync(params string[] args) => AionisCli.RunAsync(args, AionisCli.EnvFor(Db, Dir));

    [SetUp]
    public async Task SyncDailyTaskAsync()
    {
        await File.WriteAllTextAsync(RegistryPath, KeyRotationRegistry.Yaml("0 6 * * *", "inputs: { max_age_days: 45 }") + """
              - id: history_retention
                job: worker-history-retention
                owner: ops
                description: Prune history
                schedule: "0 3 * * *"
                permissions: [delete:history]

            """);
        var sync = await CliAsync("registry", "sync", "--registry", RegistryPath);
        Assert.That(sync.ExitCode, Is.EqualTo(0), sync.Stderr);
    }

    private static DateTimeOffset CheckedAt(object? summary) =>
        JsonDocument.Parse((string)summary!).RootElement.GetProperty("checked_at").GetDateTimeOffset();

    [Test]
    public async Task A_backfill_of_a_daily_task_over_7_days_makes_7_runs_each_as_of_its_fire_time_oldest_first()
    {
        var from = Today.AddDays(-7);
        var result = await CliAsync("backfill", KeyRotationRegistry.TaskId, "--from", from.ToString("O"), "--to", Today.AddDays(-1).AddHours(7).ToString("O"), "--json");
        var runs = await Db.RowsAsync("SELECT scheduled_for, summary, triggered_by, dry_run, status FROM worker.job_runs ORDER BY started_at");
        var expected = Enumerable.Range(0, 7).Select(d => from.AddDays(d).AddHours(6).UtcDateTime).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
            Assert.That(result.Stderr, Does.StartWith($"backfill plan: 7 fire time(s) of {KeyRotationRegistry.TaskId}"));
            Assert.That(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("plan").GetArrayLength(), Is.EqualTo(7));
            Assert.That(runs.Select(r => r["scheduled_for"]), Is.EqualTo(expected), "one run per fire time, oldest first");
            foreach (var run in runs)
            {
                var fire = new DateTimeOffset((DateTime)run["scheduled_for"]!, TimeSpan.Zero);
                Assert.That(CheckedAt(run["summary"]), Is.InRange(fire, fire.AddMinutes(1)), "the report is as of its fire time");
            }
            Assert.That(runs.Select(r => r["triggered_by"]).Distinct(), Is.EqualTo(new[] { "backfill" }));
            Assert.That(runs.Select(r => r["dry_run"]).Distinct(), Is.EqualTo(new[] { false }));
            Assert.That(runs.Select(r => r["status"]).Distinct(), Is.EqualTo(new[] { "succeeded" }));
        });
    }

    [Test]
    public async Task A_dry_run_backfill_records_dry_runs()
    {
        var result = await CliAsync("backfill", KeyRotationRegistry.TaskId, "--from", Today.AddDays(-2).ToString("O"), "--to", Today.ToString("O"), "--dry-run");
        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE dry_run"), Is.EqualTo(2L));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE NOT dry_run"), Is.EqualTo(0L));
        });
    }

    [TestCase("history_retention", "-3d", "-1d", "100", "acts on the present state")]
    [TestCase("key_rotation_sla", "-30d", "-1d", "5", "--max-runs '5'")]
    [TestCase("key_rotation_sla", "-1d", "+1d", "100", "is in the future")]
    [TestCase("key_rotation_sla", "-1d", "-3d", "100", "before --from")]
    [TestCase("no_such_task", "-3d", "-1d", "100", "TASK 'no_such_task'")]
    public async Task A_backfill_that_cannot_run_is_refused_with_64_and_runs_nothing(string task, string from, string to, string max, string expected)
    {
        static string At(string offset) => Today.AddDays(int.Parse(offset.TrimEnd('d'))).ToString("O");
        var result = await CliAsync("backfill", task, "--from", At(from), "--to", At(to), "--max-runs", max);
        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64), result.Stderr);
            Assert.That(result.Stderr, Does.Contain(expected));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs"), Is.EqualTo(0L));
        });
    }

    [Test]
    public async Task A_rerun_repeats_the_inputs_and_the_logical_time_of_the_original_as_a_new_run()
    {
        var day = Today.AddDays(-3);
        var backfill = await CliAsync("backfill", KeyRotationRegistry.TaskId, "--from", day.ToString("O"), "--to", day.AddHours(12).ToString("O"));
        Assert.That(backfill.ExitCode, Is.EqualTo(0), backfill.Stderr);
        var original = (await Db.RowsAsync("SELECT run_id, inputs::text AS inputs, scheduled_for FROM worker.job_runs")).Single();

        var rerun = await CliAsync("rerun", original["run_id"]!.ToString()!, "--json");
        var copy = (await Db.RowsAsync("SELECT run_id, inputs::text AS inputs, scheduled_for, summary, triggered_by FROM worker.job_runs WHERE run_id <> $1",
            original["run_id"])).Single();
        var fire = new DateTimeOffset((DateTime)original["scheduled_for"]!, TimeSpan.Zero);

        Assert.Multiple(() =>
        {
            Assert.That(rerun.ExitCode, Is.EqualTo(0), rerun.Stderr);
            Assert.That(JsonDocument.Parse(rerun.Stdout).RootElement.GetProperty("run_id").GetGuid(), Is.EqualTo(copy["run_id"]));
            Assert.That(copy["inputs"], Is.EqualTo(original["inputs"]));
            Assert.That((string)copy["inputs"]!, Does.Contain("\"max_age_days\": 45"));
            Assert.That(copy["scheduled_for"], Is.EqualTo(original["scheduled_for"]));
            Assert.That(CheckedAt(copy["summary"]), Is.InRange(fire, fire.AddMinutes(1)), "the rerun is as of the original's fire time");
            Assert.That(copy["triggered_by"], Is.EqualTo($"rerun:{original["run_id"]}"));
        });
    }

    [Test]
    public async Task A_rerun_of_an_unknown_run_is_exit_64()
    {
        var result = await CliAsync("rerun", Guid.NewGuid().ToString());
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64));
            Assert.That(result.Stderr, Does.Contain("no such run"));
        });
    }
}
