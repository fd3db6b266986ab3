using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Running;

/// <summary>Log events of the operator's controls: cancellation, node check-ins (event ids 1800–1899).</summary>
internal static partial class ControlsLog
{
    [LoggerMessage(EventId = 1800, Level = LogLevel.Error, Message = "{Job} ignored its cancellation for {Grace}; abandoned (the job may still be running in this process)")]
    public static partial void IgnoredCancellation(ILogger logger, string job, TimeSpan grace);

    [LoggerMessage(EventId = 1801, Level = LogLevel.Warning, Message = "run {RunId}: {Reason}; its job's cancellation token fired")]
    public static partial void Cancelling(ILogger logger, Guid runId, string reason);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Warning, Message = "node check-in or cancellation poll failed: {Error}")]
    public static partial void PollFailed(ILogger logger, string error);
}
