using Aionis.Tests.Support;
using Aionis.Worker.Scheduling;

namespace Aionis.Tests.Scheduling.Timing;

/// <summary>
/// Issue #22 item 6, asserted on Quartz's own trigger computation (what the daemon stores as next fire time): a
/// 02:30 Europe/Berlin task on 2027's spring-forward day fires once at 03:00 CEST, the first valid time after the
/// skipped hour; on the fall-back day it fires once, at the first 02:30 (CEST), not again at the repeated one.
/// </summary>
public sealed class DaylightSavingTests
{
    private static List<DateTimeOffset> Fires(string yaml, DateTimeOffset from, DateTimeOffset until)
    {
        var task = SchedulerHarness.Parse(yaml).Tasks.Single();
        var fires = new List<DateTimeOffset>();
        for (var at = NextFires.After(task, from); at is { } t && t < until; at = NextFires.After(task, t)) fires.Add(t);
        return fires;
    }

    private static string Task(string schedule, string zone) => $"""
        version: 1
        tasks:
          - id: dst
            job: hosted-key-rotation-sla
            schedule: "{schedule}"
            time_zone: {zone}
            permissions: [read:control_plane]
        """;

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text + "Z", System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public void Berlin_0230_on_the_spring_forward_day_fires_once_at_0300_summer_time()
    {
        var fires = Fires(Task("30 2 * * *", "Europe/Berlin"), Utc("2027-03-27T00:00:00"), Utc("2027-03-30T00:00:00"));

        Assert.That(fires, Is.EqualTo(new[]
        {
            Utc("2027-03-27T01:30:00"), // 02:30 CET (+01:00)
            Utc("2027-03-28T01:00:00"), // 02:30 does not exist: once, at 03:00 CEST (+02:00)
            Utc("2027-03-29T00:30:00"), // 02:30 CEST
        }));
    }

    [Test]
    public void Berlin_0230_on_the_fall_back_day_fires_once_although_the_hour_repeats()
    {
        var fires = Fires(Task("30 2 * * *", "Europe/Berlin"), Utc("2027-10-30T00:00:00"), Utc("2027-11-02T00:00:00"));

        Assert.That(fires, Is.EqualTo(new[]
        {
            Utc("2027-10-30T00:30:00"), // 02:30 CEST
            Utc("2027-10-31T00:30:00"), // the first 02:30 (CEST); the repeated 02:30 CET (01:30Z) does not fire
            Utc("2027-11-01T01:30:00"), // 02:30 CET
        }));
    }

    [Test]
    public void Daily_in_new_york_fires_at_local_midnight_every_day_across_both_changes()
    {
        var spring = Fires(Task("@daily", "America/New_York"), Utc("2027-03-13T00:00:00"), Utc("2027-03-16T00:00:00"));
        var fall = Fires(Task("@daily", "America/New_York"), Utc("2027-11-06T00:00:00"), Utc("2027-11-09T00:00:00"));

        Assert.Multiple(() =>
        {
            Assert.That(spring, Is.EqualTo(new[] { Utc("2027-03-13T05:00:00"), Utc("2027-03-14T05:00:00"), Utc("2027-03-15T04:00:00") }),
                "one fire a day; midnight moves from 05:00Z (EST) to 04:00Z (EDT) after 14 March");
            Assert.That(fall, Is.EqualTo(new[] { Utc("2027-11-06T04:00:00"), Utc("2027-11-07T04:00:00"), Utc("2027-11-08T05:00:00") }),
                "one fire a day; back to 05:00Z after 7 November");
        });
    }

    [Test]
    public async Task Registry_list_prints_the_next_fire_in_the_task_zone_and_in_utc()
    {
        var dir = Directory.CreateTempSubdirectory("aionis-dst-").FullName;
        var path = Path.Combine(dir, "task_registry.yml");
        // Quartz's 7-field form pins the year: the spring-forward day of 2027, whatever day the test runs on.
        await File.WriteAllTextAsync(path, Task("0 30 2 28 3 ? 2027", "Europe/Berlin"));
        var env = AionisCli.EnvFor(null, dir);
        var list = await AionisCli.RunAsync(["registry", "list", "--registry", path], env);

        Assert.Multiple(() =>
        {
            Assert.That(list.ExitCode, Is.EqualTo(0), list.Stderr);
            Assert.That(list.Stdout, Does.Contain("2027-03-28 03:00:00 +02:00 2027-03-28 01:00:00 (not synced)"), list.Stdout);
            Assert.That(list.Stdout, Does.Contain("next fire (task zone)"));
        });
    }
}
