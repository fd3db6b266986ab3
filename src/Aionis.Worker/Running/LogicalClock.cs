namespace Aionis.Worker.Running;

/// <summary>
/// The clock of a rerun or a backfilled run: it starts at the run's logical time (the fire time it stands for) and
/// advances with real time, so a job computes what it would have computed at that fire, and durations stay real.
/// </summary>
public sealed class LogicalClock(TimeProvider real, DateTimeOffset logicalStart) : TimeProvider
{
    private readonly DateTimeOffset _realStart = real.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => logicalStart + (real.GetUtcNow() - _realStart);

    public override long GetTimestamp() => real.GetTimestamp();

    public override long TimestampFrequency => real.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => real.LocalTimeZone;
}
