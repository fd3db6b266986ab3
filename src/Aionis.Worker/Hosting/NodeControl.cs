using System.Reflection;
using Aionis.Data.Controls;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Running;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aionis.Worker.Hosting;

/// <summary>
/// A <c>serve</c> node's side of the operator's controls: it announces itself in <c>worker.nodes</c> (name, host, pid,
/// version) and checks in every <c>Worker:ClusterCheckinInterval</c>, so <c>aionis status</c> tells live nodes from dead
/// ones; and every <see cref="RunCancellationPoller.Interval"/> it looks for cancellation requests (<c>aionis cancel</c>)
/// of the runs it executes and fires their tokens (<see cref="RunCancellationPoller"/>, which reads only while this node
/// runs something).
/// </summary>
public sealed class NodeControl(
    NodeStore nodes,
    RunCancellationStore requests,
    RunCancellationPoller poller,
    TimeProvider clock,
    IOptions<WorkerOptions> worker,
    ILogger<NodeControl> logger) : BackgroundService
{
    public static string Version { get; } =
        typeof(NodeControl).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    private readonly int _pid = Environment.ProcessId;
    private bool _announced;
    private DateTimeOffset _lastCheckIn;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RunCancellationPoller.Interval, clock);
        do
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                ControlsLog.PollFailed(logger, JobErrors.Text(e));
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var options = worker.Value;
        if (!_announced)
        {
            await nodes.AnnounceAsync(options.NodeName, Environment.MachineName, _pid, Version, options.ClusterCheckinInterval, now, cancellationToken);
            _announced = true;
            _lastCheckIn = now;
        }
        else if (now - _lastCheckIn >= options.ClusterCheckinInterval)
        {
            await nodes.CheckInAsync(options.NodeName, _pid, now, cancellationToken);
            await requests.RecordOutcomesAsync(cancellationToken);
            _lastCheckIn = now;
        }
        await poller.PollOnceAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await nodes.StoppedAsync(worker.Value.NodeName, _pid, clock.GetUtcNow(), cancellationToken);
        }
        catch (Exception e) when (PostgresFailures.IsUnreachable(e))
        {
            ControlsLog.PollFailed(logger, JobErrors.Text(e));
        }
    }
}
