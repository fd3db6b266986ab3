using Aionis.Tests.Support;

namespace Aionis.Tests.Scheduling.Timing;

/// <summary>Calendars through the sync: stored as Quartz calendars, next fire after the exclusions, persisted by diff.</summary>
public sealed class CalendarSyncTests
{
    private TestDatabase _db = null!;

    [SetUp]
    public async Task SetUp() => _db = await TestDatabase.CreateAsync();

    [TearDown]
    public async Task TearDown() => await _db.DisposeAsync();

    private static string Registry(params DateOnly[] holidays) => $"""
        version: 1
        calendars:
          holidays: {"{"} type: holiday, time_zone: UTC, dates: [{string.Join(", ", holidays.Select(d => d.ToString("yyyy-MM-dd")))}] {"}"}
        tasks:
          - id: daily
            job: hosted-key-rotation-sla
            schedule: "0 6 * * *"
            exclude_calendars: [holidays]
            permissions: [read:control_plane]
          - id: plain
            job: hosted-key-rotation-sla
            schedule: "0 6 * * *"
            permissions: [read:control_plane]
        """;

    private Task<long> NextFireTicksAsync(string task) =>
        _db.ScalarAsync<long>("SELECT next_fire_time FROM worker.qrtz_triggers WHERE trigger_name = $1 AND trigger_group = 'registry'", task);

    private Task<string> TriggersAsync() => _db.FingerprintAsync("worker.qrtz_triggers", "worker.qrtz_cron_triggers", "worker.qrtz_calendars");

    [Test]
    public async Task The_stored_next_fire_skips_the_holiday_an_unchanged_sync_keeps_it_and_a_changed_calendar_moves_it()
    {
        var now = DateTimeOffset.UtcNow;
        var next = now.Date.AddHours(6) > now.UtcDateTime ? now.Date.AddHours(6) : now.Date.AddDays(1).AddHours(6);
        var holiday = DateOnly.FromDateTime(next);
        await using var scheduler = await SchedulerHarness.CreateAsync(_db);

        await scheduler.Synchronizer.SyncAsync(scheduler.Scheduler, SchedulerHarness.Parse(Registry(holiday)), CancellationToken.None);
        var skipped = await NextFireTicksAsync("daily");
        var plain = await NextFireTicksAsync("plain");
        var before = await TriggersAsync();
        var unchanged = await scheduler.Synchronizer.SyncAsync(scheduler.Scheduler, SchedulerHarness.Parse(Registry(holiday)), CancellationToken.None);
        var untouched = await TriggersAsync();
        var changed = await scheduler.Synchronizer.SyncAsync(scheduler.Scheduler, SchedulerHarness.Parse(Registry(holiday, holiday.AddDays(1))), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(new DateTime(plain, DateTimeKind.Utc), Is.EqualTo(next), "the negative control fires on the holiday");
            Assert.That(new DateTime(skipped, DateTimeKind.Utc), Is.EqualTo(next.AddDays(1)), "exactly the holiday is skipped");
            Assert.That(unchanged.IsEmpty, Is.True);
            Assert.That(untouched, Is.EqualTo(before), "an unchanged calendar leaves trigger and calendar rows alone");
            Assert.That(changed.Changed.Select(c => (c.Task.Id, c.TriggerChanged)), Is.EqualTo(new[] { ("daily", true) }));
            Assert.That(new DateTime(await NextFireTicksAsync("daily"), DateTimeKind.Utc), Is.EqualTo(next.AddDays(2)));
            Assert.That(new DateTime(await NextFireTicksAsync("plain"), DateTimeKind.Utc), Is.EqualTo(next), "the other task's trigger is kept");
            Assert.That(await _db.ScalarAsync<long>("SELECT count(*) FROM worker.qrtz_calendars"), Is.EqualTo(1), "the replaced calendar is deleted");
        });
    }
}
