using Aionis.Worker.Scheduling;

namespace Aionis.Tests.Scheduling.Timing;

/// <summary>Issue #22 item 2: the jitter offset is a pure function of task id and fire time, within [0, max].</summary>
public sealed class JitterTests
{
    private static readonly DateTimeOffset Fire = new(2027, 1, 4, 6, 0, 0, TimeSpan.Zero);

    [Test]
    public void The_offset_is_the_same_for_the_same_task_and_fire_and_within_bounds()
    {
        var max = TimeSpan.FromMinutes(2);
        var offsets = Enumerable.Range(0, 500).Select(i => FireJitter.Offset("fan_out", Fire.AddHours(i), max)).ToList();
        var again = Enumerable.Range(0, 500).Select(i => FireJitter.Offset("fan_out", Fire.AddHours(i), max)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(again, Is.EqualTo(offsets), "a node computing it again (another process, another node) gets the same offsets");
            Assert.That(offsets, Is.All.InRange(TimeSpan.Zero, max));
            Assert.That(offsets.Distinct().Count(), Is.GreaterThan(400), "fires spread over the window, not one fixed delay");
            Assert.That(offsets.Max(), Is.GreaterThan(TimeSpan.FromSeconds(100)));
            Assert.That(offsets.Min(), Is.LessThan(TimeSpan.FromSeconds(20)));
        });
    }

    [Test]
    public void Tasks_firing_at_the_same_minute_get_different_offsets()
    {
        var offsets = Enumerable.Range(0, 20).Select(i => FireJitter.Offset($"tenant_export_{i}", Fire, TimeSpan.FromMinutes(2))).ToList();

        Assert.That(offsets.Distinct().Count(), Is.GreaterThan(15));
    }

    [Test]
    public void No_jitter_is_no_delay() => Assert.That(FireJitter.Offset("t", Fire, TimeSpan.Zero), Is.EqualTo(TimeSpan.Zero));
}
