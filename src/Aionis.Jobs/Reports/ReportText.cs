using System.Globalization;

namespace Aionis.Jobs.Reports;

/// <summary>How the reports write numbers, times and table cells for people (invariant culture, UTC).</summary>
public static class ReportText
{
    public static string Percent(double? fraction, int decimals = 2) =>
        fraction is { } f ? (f * 100).ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture) + " %" : "—";

    public static string Number(double? value, string format = "0.##") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Ms(double? value) => value is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) + " ms" : "—";

    public static string Bytes(long? bytes) => bytes switch
    {
        null => "—",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes.Value / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KiB",
        < 1024L * 1024 * 1024 => (bytes.Value / 1048576.0).ToString("0.#", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes.Value / 1073741824.0).ToString("0.##", CultureInfo.InvariantCulture) + " GiB",
    };

    public static string Hours(TimeSpan span) => span.TotalHours.ToString("0.#", CultureInfo.InvariantCulture) + " h";

    public static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);

    public static string Cell(string? text) => text is null ? "—" : text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');

    public static string Badge(CheckStatus status) => status switch
    {
        CheckStatus.Pass => "✅ pass",
        CheckStatus.Warn => "⚠️ warn",
        _ => "❌ fail",
    };
}
