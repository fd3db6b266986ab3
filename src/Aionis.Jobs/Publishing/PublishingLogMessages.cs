using Microsoft.Extensions.Logging;

namespace Aionis.Jobs.Publishing;

/// <summary>The publishing area's log lines (event ids 1600–1699).</summary>
internal static partial class PublishingLogMessages
{
    [LoggerMessage(EventId = 1600, Level = LogLevel.Debug, Message = "publish queue depth not sampled: {Error}")]
    public static partial void NotSampled(this ILogger logger, string error);
}
