using Aionis.Tests.Support;

namespace Aionis.Tests.Scheduling.Timing;

/// <summary>Issue #22 item 1 on a real <c>aionis serve</c> node: an excluded day is no fire at all, and <c>registry list</c> says when the next one is.</summary>
public sealed class ServeCalendarTests : BinaryTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Test]
    public async Task A_task_on_a_holiday_does_not_fire_records_nothing_and_lists_its_next_fire_after_the_holidays()
    {
        // Today and tomorrow (UTC, the database's clock): a run that reaches midnight is still inside the holidays.
        var today = DateOnly.FromDateTime(await Db.ScalarAsync<DateTime>("SELECT now() AT TIME ZONE 'UTC'"));
        await File.WriteAllTextAsync(RegistryPath, $$"""
            version: 1
            calendars:
              holidays: { type: holiday, time_zone: UTC, dates: [{{today:yyyy-MM-dd}}, {{today.AddDays(1):yyyy-MM-dd}}] }
            tasks:
              - id: excluded
                job: hosted-key-rotation-sla
                schedule: "0/2 * * * * ?"
                exclude_calendars: [holidays]
                permissions: [read:control_plane]
              - id: plain
                job: hosted-key-rotation-sla
                schedule: "0/2 * * * * ?"
                permissions: [read:control_plane]
            """);
        await using (var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir))
        {
            await serve.WaitUntilAsync(async () => await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE task_id = 'plain' AND status <> 'running'") >= 3,
                Wait, "three runs of the task without the calendar");
            // Stopped, the node can fire nothing late: what is recorded now is all there is.
            Assert.That(await serve.StopAsync(Wait), Is.EqualTo(0), serve.Output);
        }
        var list = await AionisCli.RunAsync(["registry", "list", "--registry", RegistryPath], AionisCli.EnvFor(Db, Dir));

        var next = today.AddDays(2).ToString("yyyy-MM-dd");
        Assert.Multiple(async () =>
        {
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE task_id = 'excluded'"), Is.EqualTo(0),
                "no run and no skipped row on the holidays");
            Assert.That(list.ExitCode, Is.EqualTo(0), list.Stderr);
            Assert.That(list.Stdout.Split('\n').Single(l => l.StartsWith("excluded ", StringComparison.Ordinal)),
                Does.Contain($"{next} 00:00:00 +00:00").And.EndWith($"{next} 00:00:00"), list.Stdout);
        });
    }
}
