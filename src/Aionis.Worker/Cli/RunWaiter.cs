using Aionis.Data.History;
using Aionis.Data.Model;

namespace Aionis.Worker.Cli;

/// <summary>Waits for a run's history row to end: <c>cancel</c>, <c>run --wait</c>, <c>rerun</c> and <c>backfill</c> with <c>--enqueue</c>.</summary>
public static class RunWaiter
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <param name="limit">null: until it ends (or the command is interrupted).</param>
    /// <returns>The finished row; null when the limit passed first (the row may not exist yet: no node took the run).</returns>
    public static async Task<JobRun?> WaitForEndAsync(RunHistoryStore history, Guid runId, TimeSpan? limit, CancellationToken cancellationToken)
    {
        var deadline = limit is { } l ? DateTimeOffset.UtcNow + l : DateTimeOffset.MaxValue;
        while (true)
        {
            if (await history.GetAsync(runId, cancellationToken) is { Status: not RunStatus.Running } run) return run;
            if (DateTimeOffset.UtcNow >= deadline) return null;
            await Task.Delay(Poll, cancellationToken);
        }
    }
}
