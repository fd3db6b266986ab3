using Microsoft.Extensions.Logging;

namespace Aionis.Jobs.Reports;

/// <summary>The reports area's log lines (event ids 2000–2099).</summary>
internal static partial class ReportLogMessages
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "report {Report} written to {Directory} ({Verdict})")]
    public static partial void ReportWritten(this ILogger logger, string report, string directory, string verdict);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "report {Report}: {Source} is missing ({Table}); that part is left out")]
    public static partial void SourceMissing(this ILogger logger, string report, string source, string table);
}
