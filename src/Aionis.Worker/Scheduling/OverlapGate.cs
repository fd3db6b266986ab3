using Aionis.Jobs.Framework;
using Aionis.Worker.Running;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// <c>overlap: skip</c> for a run of a registry task, wherever it runs (a scheduled fire, a backfill in the CLI): the
/// run takes the task's cluster-wide advisory lock or is recorded <c>skipped</c>. A dry run takes no lock: it changes
/// nothing a live run could collide with, and a live fire must never be skipped because a dry run of the task is in progress.
/// </summary>
public static class OverlapGate
{
    public static Task<RunResult> RunAsync(JobRunner runner, TaskLock taskLock, OverlapPolicy overlap, RunRequest request,
        CancellationToken cancellationToken) =>
        RunAsync(runner, taskLock, overlap, request, token => runner.RunAsync(request, token), cancellationToken);

    /// <summary>As above, with <paramref name="run"/> doing the run once the policy allows it (a scheduled fire watches
    /// it for its long-running alert).</summary>
    public static async Task<RunResult> RunAsync(JobRunner runner, TaskLock taskLock, OverlapPolicy overlap, RunRequest request,
        Func<CancellationToken, Task<RunResult>> run, CancellationToken cancellationToken)
    {
        if (overlap != OverlapPolicy.Skip || request.DryRun)
        {
            return await run(cancellationToken);
        }
        IAsyncDisposable? held;
        try
        {
            held = await taskLock.TryAcquireAsync(request.TaskId!, cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnreachable(e))
        {
            // Running without knowing whether the task runs elsewhere could run it twice; the record is spooled.
            return await runner.RecordSkippedAsync(request, $"database unreachable, overlap could not be checked: {e.Message}", cancellationToken);
        }
        await using (held)
        {
            return held is null
                ? await runner.RecordSkippedAsync(request, "the task was still running (overlap: skip)", cancellationToken)
                : await run(cancellationToken);
        }
    }
}
