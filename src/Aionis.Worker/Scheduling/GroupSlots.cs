using Npgsql;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// <c>groups: { name: { max_running: N } }</c>: N advisory locks per group, one per slot. A live run of a group's task
/// holds one for its length, so at most N run at once in the whole cluster; a crashed node's slots free themselves.
/// </summary>
public sealed class GroupSlots(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>How often a queued fire looks for a free slot again.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>A held slot, or null when all <paramref name="maxRunning"/> are taken.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(string group, int maxRunning, CancellationToken cancellationToken) =>
        await AdvisoryLease.TryTakeAsync(dataSource, Enumerable.Range(0, maxRunning).Select(slot => $"aionis.group:{group}:{slot}").ToList(), cancellationToken);

    /// <summary>Waits for a free slot (overlap <c>queue</c> and <c>allow</c>) until one frees or the fire is cancelled.</summary>
    public async Task<IAsyncDisposable> AcquireAsync(string group, int maxRunning, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await TryAcquireAsync(group, maxRunning, cancellationToken) is { } slot) return slot;
            await Task.Delay(PollInterval, clock, cancellationToken);
        }
    }
}
