using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Running;

/// <summary>Log events of the runner (event ids 1000–1099). Inside a run they carry its <see cref="RunScope"/>.</summary>
public static partial class RunnerLog
{
    /// <summary>The category of a run's outcome lines (1003, 1004), which the CLI's run commands print themselves.</summary>
    public const string OutcomeCategory = "Aionis.Worker.Running.RunOutcome";

    /// <summary>
    /// The category of a job's progress lines (<see cref="Aionis.Jobs.Framework.JobContext.Progress"/>): shown and kept
    /// with the run from Information up even where the default level is Warning (the logging set-up in <c>WorkerServices</c>).
    /// </summary>
    public const string ProgressCategory = "Aionis.Worker.Running.Progress";

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "{Job} started (trigger {Trigger}, triggered by {TriggeredBy}, attempt {Attempt}{DryRun})")]
    public static partial void Started(ILogger logger, string job, string trigger, string? triggeredBy, int attempt, string dryRun);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "{Job} ended {Status} (exit {ExitCode}) after {DurationMs} ms")]
    public static partial void Finished(ILogger logger, string job, string status, int exitCode, long durationMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "{Job} failed")]
    public static partial void Failed(ILogger logger, Exception exception, string job);

    /// <summary>A failure of storage, HTTP or the database: told by its message, not by a stack trace.</summary>
    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "{Job} failed: {Error}")]
    public static partial void FailedWith(ILogger logger, string job, string error);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "{Job} gate failed: {Reason}")]
    public static partial void GateFailed(ILogger logger, string job, string reason);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "could not write the start of run {RunId}: {Error}; its record will be spooled")]
    public static partial void StartNotRecorded(ILogger logger, Guid runId, string error);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "log lines of run {RunId} written after it ended could not be stored: {Error}")]
    public static partial void LateLogsLost(ILogger logger, Guid runId, string error);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "history write failed; run {RunId} kept in spool {Path}")]
    public static partial void Spooled(ILogger logger, Guid runId, string path);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "spooled run {RunId} written to history")]
    public static partial void SpoolReplayed(ILogger logger, Guid runId);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "no database configured; this run is not recorded in history")]
    public static partial void NotRecorded(ILogger logger);

    /// <summary>A job's own progress line, as the job wrote it.</summary>
    [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "{Line}")]
    public static partial void Progress(ILogger logger, string line);
}
