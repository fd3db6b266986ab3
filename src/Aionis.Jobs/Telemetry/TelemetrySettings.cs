using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Aionis.Jobs.Telemetry;

/// <summary>The reference's telemetry environment: how long request telemetry is kept (<c>CONTROL_TELEMETRY_RETENTION_HOURS</c>).</summary>
public sealed record TelemetrySettings(int RetentionHours)
{
    public const string RetentionHoursKey = "CONTROL_TELEMETRY_RETENTION_HOURS";
    public const int DefaultRetentionHours = 720;

    public static TelemetrySettings From(IConfiguration configuration)
    {
        var raw = configuration[RetentionHoursKey];
        if (string.IsNullOrWhiteSpace(raw)) return new TelemetrySettings(DefaultRetentionHours);
        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var hours) && hours is >= 1 and <= 87600
            ? new TelemetrySettings(hours)
            : throw new InvalidOperationException($"{RetentionHoursKey} '{raw}': expected a whole number in 1..87600");
    }
}
