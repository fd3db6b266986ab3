using Microsoft.Extensions.Logging;

namespace Aionis.Jobs.Incidents;

/// <summary>The incident area's log lines (event ids 1700–1799).</summary>
internal static partial class IncidentLogMessages
{
    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning,
        Message = "incident log: Postgres unreachable ({Error}); writing to JSONL in {Directory} and trying Postgres again after {RetryAfter}")]
    public static partial void SwitchedToJsonl(this ILogger logger, string error, string directory, TimeSpan retryAfter);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Information,
        Message = "incident log: Postgres is back; moved the JSONL backlog ({Incidents} incident(s), {Events} event(s), {Artifacts} artifact(s))")]
    public static partial void BacklogMoved(this ILogger logger, int incidents, int events, int artifacts);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Information, Message = "incident log: Postgres is back")]
    public static partial void BackOnPostgres(this ILogger logger);
}
