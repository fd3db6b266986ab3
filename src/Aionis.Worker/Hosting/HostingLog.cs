using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Hosting;

/// <summary>Log events of <c>serve</c>'s own services: start, maintenance, watchdog, stop (event ids 1400–1499).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning, Message = "database {Database} unreachable ({Error}); retrying in {Delay}")]
    public static partial void DatabaseUnreachable(ILogger logger, string database, string error, TimeSpan delay);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "{Count} run(s) of node {Node} were interrupted by its last stop; marked abandoned")]
    public static partial void InterruptedRunsAbandoned(ILogger logger, int count, string node);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "demo kick-off: one dry run of each of {Count} enabled task(s) enqueued; see `aionis history`")]
    public static partial void DemoKickoff(ILogger logger, int count);

    [LoggerMessage(EventId = 1410, Level = LogLevel.Warning, Message = "maintenance skipped: database unreachable ({Error})")]
    public static partial void MaintenanceSkipped(ILogger logger, string error);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Error, Message = "maintenance pass failed")]
    public static partial void MaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1412, Level = LogLevel.Information, Message = "pause of {Task} expired; resumed")]
    public static partial void PauseExpired(ILogger logger, string task);

    [LoggerMessage(EventId = 1413, Level = LogLevel.Warning, Message = "run {RunId} of {Task} on silent node {Node} marked abandoned")]
    public static partial void SilentNodeRunAbandoned(ILogger logger, Guid runId, string task, string? node);

    [LoggerMessage(EventId = 1420, Level = LogLevel.Error, Message = "watchdog: {Status}; not pinging systemd, which restarts the worker after {Limit}")]
    public static partial void WatchdogWithheld(ILogger logger, string status, TimeSpan? limit);

    [LoggerMessage(EventId = 1430, Level = LogLevel.Warning, Message = "stopping: no new fires; {Count} run(s) in flight may finish within {Grace}")]
    public static partial void Draining(ILogger logger, int count, TimeSpan grace);

    [LoggerMessage(EventId = 1431, Level = LogLevel.Warning, Message = "shutdown grace {Grace} is over: cancelling {Count} run(s)")]
    public static partial void GraceOver(ILogger logger, TimeSpan grace, int count);

    [LoggerMessage(EventId = 1432, Level = LogLevel.Warning, Message = "stopped; could not sign node {Node} off the cluster ({Error})")]
    public static partial void SignOffFailed(ILogger logger, string node, string error);

    [LoggerMessage(EventId = 1433, Level = LogLevel.Information, Message = "stopped cleanly: node {Node} signed off the cluster")]
    public static partial void StoppedCleanly(ILogger logger, string node);
}
