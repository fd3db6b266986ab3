namespace Aionis.Jobs.Alerts;

/// <summary>The two severities alerts carry; operator routing keys use the same names.</summary>
public static class AlertSeverity
{
    public const string Warning = "warning";
    public const string Critical = "critical";

    public static readonly string[] All = [Warning, Critical];
}
