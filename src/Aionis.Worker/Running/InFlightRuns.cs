using System.Collections.Concurrent;

namespace Aionis.Worker.Running;

/// <summary>
/// The scheduled runs executing in this process, each with a token the shutdown can cancel. Kept in memory rather than
/// asked of Quartz, so a shutdown during a database outage still knows what is running.
/// </summary>
public sealed class InFlightRuns
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private readonly ConcurrentDictionary<InFlightRun, byte> _runs = new();

    public int Count => _runs.Count;

    /// <summary>Tracks a run until disposed; its <see cref="InFlightRun.Token"/> is cancelled by the scheduler's token or <see cref="CancelAll"/>.</summary>
    public InFlightRun Track(CancellationToken schedulerToken)
    {
        var run = new InFlightRun(this, schedulerToken);
        _runs.TryAdd(run, 0);
        return run;
    }

    public void CancelAll()
    {
        foreach (var run in _runs.Keys) run.Cancel();
    }

    /// <returns>True when no run is in flight any more; false when <paramref name="limit"/> passed first.</returns>
    public async Task<bool> WaitUntilIdleAsync(TimeSpan limit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + limit;
        while (!_runs.IsEmpty)
        {
            if (clock.GetUtcNow() >= deadline) return false;
            await Task.Delay(Poll, clock, cancellationToken);
        }
        return true;
    }

    private void Remove(InFlightRun run) => _runs.TryRemove(run, out _);

    public sealed class InFlightRun : IDisposable
    {
        private readonly InFlightRuns _owner;
        private readonly CancellationTokenSource _cancellation;

        internal InFlightRun(InFlightRuns owner, CancellationToken schedulerToken)
        {
            _owner = owner;
            _cancellation = CancellationTokenSource.CreateLinkedTokenSource(schedulerToken);
        }

        public CancellationToken Token => _cancellation.Token;

        internal void Cancel() => _cancellation.Cancel();

        public void Dispose()
        {
            _owner.Remove(this);
            _cancellation.Dispose();
        }
    }
}
