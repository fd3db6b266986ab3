using Aionis.Tests.Support;
using Aionis.Worker.Scheduling;

namespace Aionis.Tests.Scheduling.Timing;

/// <summary>Issue #22 item 1: <c>calendars:</c> built on Quartz's calendars, as the trigger computes fires with them.</summary>
public sealed class CalendarTests
{
    private const string Calendars = """
        calendars:
          eu_holidays: { type: holiday, time_zone: Europe/Berlin, dates: [2027-12-25, 2027-12-26] }
          christmas_eve: { type: annual, time_zone: Europe/Berlin, days: [12-24] }
          weekends: { type: cron, time_zone: Europe/Berlin, expression: "* * * ? * SAT,SUN" }
          nights: { type: daily, time_zone: Europe/Berlin, range: "22:00-06:00" }
          release_freeze: { type: holiday, time_zone: Europe/Berlin, dates: [2027-12-20], base: eu_holidays }
        """;

    private static TaskDefinition Task(string schedule, string exclude) => SchedulerHarness.Parse($"""
        version: 1
        {Calendars}
        tasks:
          - id: cal
            job: hosted-key-rotation-sla
            schedule: "{schedule}"
            time_zone: Europe/Berlin
            exclude_calendars: [{exclude}]
            permissions: [read:control_plane]
        """).Tasks.Single();

    /// <summary>The local days (Europe/Berlin) on which the task fires between the two dates.</summary>
    private static List<string> Days(TaskDefinition task, string from, string until)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var end = DateTimeOffset.Parse(until + "T00:00:00+01:00");
        var days = new List<string>();
        for (var at = NextFires.After(task, DateTimeOffset.Parse(from + "T00:00:00+01:00")); at is { } t && t < end; at = NextFires.After(task, t))
        {
            days.Add(TimeZoneInfo.ConvertTime(t, zone).ToString("MM-dd HH:mm"));
        }
        return days;
    }

    [Test]
    public void A_holiday_skips_exactly_that_day()
    {
        var days = Days(Task("0 6 * * *", "eu_holidays"), "2027-12-23", "2027-12-29");

        Assert.That(days, Is.EqualTo(new[] { "12-23 06:00", "12-24 06:00", "12-27 06:00", "12-28 06:00" }));
    }

    [Test]
    public void Annual_cron_and_daily_calendars_exclude_their_days_weekends_and_hours()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Days(Task("0 6 * * *", "christmas_eve"), "2027-12-23", "2027-12-26"), Is.EqualTo(new[] { "12-23 06:00", "12-25 06:00" }));
            // 2027-12-18/19 are a Saturday and Sunday.
            Assert.That(Days(Task("0 6 * * *", "weekends"), "2027-12-17", "2027-12-21"), Is.EqualTo(new[] { "12-17 06:00", "12-20 06:00" }));
            Assert.That(Days(Task("0 0 */4 * * ?", "nights"), "2027-12-17", "2027-12-18"), Is.EqualTo(new[] { "12-17 08:00", "12-17 12:00", "12-17 16:00", "12-17 20:00" }),
                "00:00 and 04:00 fall in 22:00-06:00");
        });
    }

    [Test]
    public void A_calendar_with_a_base_excludes_its_own_dates_and_the_base_s()
    {
        var days = Days(Task("0 6 * * *", "release_freeze"), "2027-12-19", "2027-12-28");

        Assert.That(days, Is.EqualTo(new[] { "12-19 06:00", "12-21 06:00", "12-22 06:00", "12-23 06:00", "12-24 06:00", "12-27 06:00" }));
    }

    [Test]
    public void Several_excluded_calendars_all_apply()
    {
        var days = Days(Task("0 6 * * *", "eu_holidays, christmas_eve, weekends"), "2027-12-23", "2027-12-29");

        Assert.That(days, Is.EqualTo(new[] { "12-23 06:00", "12-27 06:00", "12-28 06:00" }));
    }

    [Test]
    public void A_changed_calendar_gives_the_task_another_quartz_calendar_name_and_an_unchanged_one_the_same()
    {
        var before = Task("0 6 * * *", "eu_holidays").Calendar!.QuartzName("cal");
        var again = Task("0 6 * * *", "eu_holidays").Calendar!.QuartzName("cal");
        var other = Task("0 6 * * *", "release_freeze").Calendar!.QuartzName("cal");

        Assert.Multiple(() =>
        {
            Assert.That(again, Is.EqualTo(before));
            Assert.That(other, Is.Not.EqualTo(before));
        });
    }
}
