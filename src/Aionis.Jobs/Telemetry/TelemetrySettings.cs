using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Aionis.Jobs.Telemetry;

/// <summary>
/// The reference's telemetry environment (how long request telemetry is kept, <c>CONTROL_TELEMETRY_RETENTION_HOURS</c>) and
/// the memory the report statements may sort in (<c>Telemetry:WorkMem</c>, set with <c>SET LOCAL work_mem</c> for their own
/// transaction only). Read and checked once at start; a bad value stops the command naming the key.
/// </summary>
public sealed partial record TelemetrySettings(int RetentionHours, string WorkMem)
{
    public const string RetentionHoursKey = "CONTROL_TELEMETRY_RETENTION_HOURS";
    public const int DefaultRetentionHours = 720;
    public const string WorkMemKey = "Telemetry:WorkMem";

    /// <summary>
    /// A report's sort (the hot tenant's 168 h of percentiles is 44–57 MB at 10M rows) spills to disk at the server's 4 MB
    /// default; 64 MB keeps it in memory. Per sort node of one statement, so a busy server is not put at risk.
    /// </summary>
    public const string DefaultWorkMem = "64MB";

    // PostgreSQL's own bounds for work_mem: 64 kB .. 2 TB (2147483647 kB).
    private const long MinWorkMemKb = 64, MaxWorkMemKb = int.MaxValue;

    public static TelemetrySettings From(IConfiguration configuration) =>
        new(RetentionFrom(configuration[RetentionHoursKey]), WorkMemFrom(configuration[WorkMemKey]));

    private static int RetentionFrom(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return DefaultRetentionHours;
        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var hours) && hours is >= 1 and <= 87600
            ? hours
            : throw Invalid(RetentionHoursKey, raw, "a whole number of hours in 1..87600");
    }

    private static string WorkMemFrom(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return DefaultWorkMem;
        var match = MemoryPattern().Match(raw.Trim());
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            throw Invalid(WorkMemKey, raw, "a PostgreSQL memory size such as 64MB (units kB, MB, GB) between 64kB and 2TB");
        }
        var kb = match.Groups[2].Value switch { "kB" => amount, "MB" => amount * 1024, _ => amount * 1024 * 1024 };
        return kb is >= MinWorkMemKb and <= MaxWorkMemKb
            ? $"{amount}{match.Groups[2].Value}"
            : throw Invalid(WorkMemKey, raw, "between 64kB and 2TB");
    }

    private static OptionsValidationException Invalid(string key, string value, string allowed) =>
        new(key, typeof(TelemetrySettings), [$"{key} '{value}': expected {allowed}"]);

    [GeneratedRegex(@"^([0-9]{1,10})\s*(kB|MB|GB)$")]
    private static partial Regex MemoryPattern();
}
