using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Scheduling;

/// <summary>Log events of the registry's sync and reload (event ids 1300–1399).</summary>
public static partial class RegistryLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "registry {Hash} synced: {Added} added, {Changed} changed, {Removed} removed, {Unchanged} unchanged")]
    public static partial void Synced(ILogger logger, string hash, int added, int changed, int removed, int unchanged);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Error, Message = "registry rejected, schedule kept: {Error}")]
    public static partial void Rejected(ILogger logger, string error);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Error, Message = "{Path} rejected: {Error}")]
    public static partial void SyncFailed(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Error, Message = "{Path} rejected ({Count} error(s)); keeping the last good schedule")]
    public static partial void Invalid(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "SIGHUP was ignored by the process that started serve; serve handles it to reload")]
    public static partial void HangupWasIgnored(ILogger logger);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Information, Message = "SIGHUP: reloading {Path}")]
    public static partial void Reloading(ILogger logger, string path);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Information, Message = "following {Path}: an edit or SIGHUP re-syncs it")]
    public static partial void Following(ILogger logger, string path);

    [LoggerMessage(EventId = 1313, Level = LogLevel.Error, Message = "registry reload failed; the schedule is unchanged")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);
}
