using Quartz;
using Quartz.Extensibility;

namespace Aionis.Worker.Scheduling;

/// <summary>A task's next fire as the scheduler will compute it: its cron in its zone, minus its excluded calendars, plus its jitter.</summary>
public static class NextFires
{
    /// <summary>The next trigger fire after <paramref name="now"/> outside the task's exclude_calendars (what Quartz stores as next fire).</summary>
    public static DateTimeOffset? After(TaskDefinition task, DateTimeOffset now)
    {
        if (!task.Scheduled) return null;
        var trigger = (IOperableTrigger)TriggerBuilder.Create()
            .WithCronSchedule(task.QuartzCron, cron => cron.InTimeZone(TimeZoneInfo.FindSystemTimeZoneById(task.TimeZone)))
            // Quartz fires at or after the start time; cron fires are whole seconds, so the next second is "after now".
            .StartAt(new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddSeconds(1))
            .Build();
        return trigger.ComputeFirstFireTimeUtc(task.Calendar?.Build());
    }

    /// <summary>When the run of a trigger fire starts: the fire plus the task's stable jitter.</summary>
    public static DateTimeOffset Effective(TaskDefinition task, DateTimeOffset fire) => fire + FireJitter.Offset(task.Id, fire, task.Jitter);
}
