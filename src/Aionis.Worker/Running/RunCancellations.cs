using System.Collections.Concurrent;

namespace Aionis.Worker.Running;

/// <summary>
/// The runs of this process an operator can cancel (<c>aionis cancel</c>), by run id. The node's poller
/// (<see cref="Hosting.NodeControl"/>) finds a request for one of them and calls <see cref="Cancel"/>: the job's
/// <see cref="Jobs.Framework.JobContext.CancellationToken"/> fires; a job that still runs after the grace is abandoned
/// (the runner stops waiting for it, records it <c>abandoned</c> and releases the task's lock).
/// </summary>
public sealed class RunCancellations
{
    private readonly ConcurrentDictionary<Guid, Handle> _runs = new();

    public IReadOnlyCollection<Guid> RunIds => _runs.Keys.ToList();

    public Handle Register(Guid runId)
    {
        var handle = new Handle(this, runId);
        _runs[runId] = handle;
        return handle;
    }

    /// <returns>False when the run is no longer in this process.</returns>
    public bool Cancel(Guid runId, string requestedBy, string? reason, TimeSpan grace)
    {
        if (!_runs.TryGetValue(runId, out var handle)) return false;
        handle.Cancel(requestedBy, reason, grace);
        return true;
    }

    public sealed class Handle : IDisposable
    {
        private readonly RunCancellations _owner;
        private readonly Guid _runId;
        private readonly CancellationTokenSource _cancel = new();
        private readonly CancellationTokenSource _abandon = new();

        internal Handle(RunCancellations owner, Guid runId)
        {
            _owner = owner;
            _runId = runId;
        }

        /// <summary>Fires when an operator cancels the run.</summary>
        public CancellationToken Token => _cancel.Token;

        /// <summary>Fires when the run ignored its cancellation for the grace.</summary>
        public CancellationToken Abandoned => _abandon.Token;

        public bool IsCancelled => _cancel.IsCancellationRequested;
        public bool IsAbandoned => _abandon.IsCancellationRequested;

        /// <summary>The run's error text: who cancelled it and why.</summary>
        public string Reason { get; private set; } = "";

        internal void Cancel(string requestedBy, string? reason, TimeSpan grace)
        {
            Reason = $"cancelled by {requestedBy}" + (string.IsNullOrWhiteSpace(reason) ? "" : $": {reason}");
            _cancel.Cancel();
            _abandon.CancelAfter(grace);
        }

        public void Dispose()
        {
            _owner._runs.TryRemove(new KeyValuePair<Guid, Handle>(_runId, this));
            _cancel.Dispose();
            _abandon.Dispose();
        }
    }
}
