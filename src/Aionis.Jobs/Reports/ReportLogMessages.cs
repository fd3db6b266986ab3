using Microsoft.Extensions.Logging;

namespace Aionis.Jobs.Reports;

/// <summary>The reports area's log lines (event ids 2000–2099).</summary>
internal static partial class ReportLogMessages
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "report {Report} written to {Directory} ({Verdict})")]
    public static partial void ReportWritten(this ILogger logger, string report, string directory, string verdict);
}
