using Quartz;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// The schedule's fire times that passed unfired before this fire. After an outage Quartz fires a <c>catch_up: once</c>
/// task once: either its first missed fire, late (found on recovery), or "now" (misfire handling); the schedule's times
/// from the previous fire up to this one are the ones missed, a late fire's own time included. Counted to mark the run a catch-up and to apply <c>catch_up_window</c>.
/// </summary>
public sealed record MissedFires(IReadOnlyList<DateTimeOffset> Times, bool Truncated)
{
    /// <summary>Counting stops here: an every-second task down for a week is "at least 100,000 missed".</summary>
    public const int MaxCounted = 100_000;

    public static MissedFires None { get; } = new([], false);

    public int Count => Times.Count;

    /// <param name="threshold">A fire later than this is a catch-up (the scheduler's misfire threshold).</param>
    public static MissedFires Of(IJobExecutionContext context, TimeSpan threshold)
    {
        if (context.Trigger.Key.Group != ScheduleKeys.RegistryGroup || context.Trigger is not ICronTrigger trigger
            || context.PreviousFireTimeUtc is not { } previous || context.ScheduledFireTimeUtc is not { } scheduled)
        {
            return None;
        }
        var times = new List<DateTimeOffset>();
        // A regular fire is the schedule's next time after the previous one, on time; a second's slack for clock rounding.
        var late = context.FireTimeUtc - scheduled > threshold;
        var until = (late ? context.FireTimeUtc : scheduled) - TimeSpan.FromSeconds(1);
        for (var at = trigger.GetFireTimeAfter(previous); at is { } t && t < until; at = trigger.GetFireTimeAfter(t))
        {
            // A time its exclude_calendars leave out was never a fire, so it was not missed either.
            if (context.Calendar is { } calendar && !calendar.IsTimeIncluded(t)) continue;
            if (times.Count == MaxCounted) return new MissedFires(times, true);
            times.Add(t);
        }
        return times.Count == 0 ? None : new MissedFires(times, false);
    }

    /// <summary>The missed fires older than <paramref name="window"/> before <paramref name="now"/>: dropped, not caught up.</summary>
    public int OlderThan(TimeSpan window, DateTimeOffset now) => Times.Count(t => t < now - window);

    public string DroppedReason(int dropped, TimeSpan window) =>
        $"catch_up_window {Aionis.Jobs.Framework.DurationText.Format(window)}: {(Truncated && dropped == Count ? "at least " : "")}{dropped} missed fire(s) " +
        $"from {Times[0].UtcDateTime:yyyy-MM-dd HH:mm:ss}Z to {Times[dropped - 1].UtcDateTime:yyyy-MM-dd HH:mm:ss}Z dropped (older than the window)" +
        (dropped < Count ? $"; the {Count - dropped} within it are caught up by one run" : "; none within it, so no catch-up run");
}
