using Aionis.Data.Controls;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aionis.Worker.Running;

/// <summary>
/// Acts on <c>aionis cancel</c> for the runs of this process: takes the requests for them from
/// <c>worker.run_cancellations</c> (marking them seen by this node) and fires their tokens (<see cref="RunCancellations"/>).
/// A <c>serve</c> node polls on each tick of <see cref="Hosting.NodeControl"/>; an <c>aionis run</c> in the CLI while its
/// run is in flight (<see cref="FollowAsync"/>), so a run started on any host can be cancelled from any other.
/// </summary>
public sealed class RunCancellationPoller(
    RunCancellationStore requests,
    RunCancellations cancellations,
    TimeProvider clock,
    IOptions<WorkerOptions> worker,
    ILogger<RunCancellationPoller> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>One poll; reads nothing while this process runs nothing.</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var running = cancellations.RunIds;
        if (running.Count == 0) return;
        var options = worker.Value;
        foreach (var request in await requests.TakeAsync(running, options.NodeName, clock.GetUtcNow(), cancellationToken))
        {
            if (cancellations.Cancel(request.RunId, request.RequestedBy, request.Reason, options.ShutdownGrace))
            {
                ControlsLog.Cancelling(logger, request.RunId, $"cancelled by {request.RequestedBy}");
            }
        }
    }

    /// <summary>
    /// Polls every <see cref="Interval"/> until <paramref name="run"/> ends, then copies the run's end into its request
    /// (<c>outcome</c>). A failed poll is logged and retried: the run goes on whether or not the database answers.
    /// </summary>
    public async Task FollowAsync(Task run)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await Task.WhenAny(run, timer.WaitForNextTickAsync().AsTask()) != run)
        {
            await TryAsync(() => PollOnceAsync(CancellationToken.None));
        }
        await TryAsync(() => requests.RecordOutcomesAsync(CancellationToken.None));
    }

    private async Task TryAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception e)
        {
            ControlsLog.PollFailed(logger, JobErrors.Text(e));
        }
    }
}
