using System.Globalization;
using System.Text.RegularExpressions;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Telemetry;

/// <summary>
/// The telemetry environment: how long request telemetry is kept, how much one purge pass deletes, and the memory the
/// report statements may sort in (<c>Telemetry:WorkMem</c>, set with <c>SET LOCAL work_mem</c> for their own transaction
/// only). Checked once at start; a bad value stops the command naming the key.
/// </summary>
public sealed partial class TelemetrySettings : ICheckedSettings
{
    public const string RetentionHoursKey = "CONTROL_TELEMETRY_RETENTION_HOURS";
    public const string PurgeBatchLimitKey = "CONTROL_TELEMETRY_PURGE_BATCH_LIMIT";
    public const string WorkMemKey = "Telemetry:WorkMem";
    public const int DefaultRetentionHours = 720;

    /// <summary>
    /// A report's sort (the hot tenant's 168 h of percentiles is 44–57 MB at 10M rows) spills to disk at the server's 4 MB
    /// default; 64 MB keeps it in memory. Per sort node of one statement, so a busy server is not put at risk.
    /// </summary>
    public const string DefaultWorkMem = "64MB";

    // PostgreSQL's own bounds for work_mem: 64 kB .. 2 TB (2147483647 kB).
    private const long MinWorkMemKb = 64, MaxWorkMemKb = int.MaxValue;

    [Setting(RetentionHoursKey, Min = "1", Max = "87600")]
    public int RetentionHours { get; set; } = DefaultRetentionHours;

    [Setting(PurgeBatchLimitKey, Min = "1", Max = "200000")]
    public int PurgeBatchLimit { get; set; } = 20_000;

    /// <summary>As configured; <see cref="WorkMemSetting"/> is the form given to PostgreSQL.</summary>
    [Setting(WorkMemKey)]
    public string WorkMem { get; set; } = DefaultWorkMem;

    /// <summary><see cref="WorkMem"/> without blanks (<c>1 GB</c> → <c>1GB</c>), as <c>SET LOCAL work_mem</c> takes it.</summary>
    public string WorkMemSetting()
    {
        var match = MemoryPattern().Match(WorkMem.Trim());
        return $"{match.Groups[1].Value}{match.Groups[2].Value}";
    }

    public IEnumerable<string> Problems()
    {
        var match = MemoryPattern().Match(WorkMem.Trim());
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            yield return $"{WorkMemKey} '{WorkMem}': allowed a PostgreSQL memory size such as 64MB (units kB, MB, GB) between 64kB and 2TB";
            yield break;
        }
        var kb = match.Groups[2].Value switch { "kB" => amount, "MB" => amount * 1024, _ => amount * 1024 * 1024 };
        if (kb is < MinWorkMemKb or > MaxWorkMemKb)
        {
            yield return $"{WorkMemKey} '{WorkMem}': allowed between 64kB and 2TB";
        }
    }

    [GeneratedRegex(@"^([0-9]{1,10})\s*(kB|MB|GB)$")]
    private static partial Regex MemoryPattern();
}
