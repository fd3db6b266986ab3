using System.Globalization;

namespace Aionis.Jobs.Alerts;

internal static class IsoTime
{
    /// <summary>ISO-8601 UTC with milliseconds, as the reference's JSON dates.</summary>
    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
