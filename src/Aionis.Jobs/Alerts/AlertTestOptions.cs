using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Alerts;

public sealed class AlertTestOptions : JobOptions, IStrictOptions, ISummaryFileOptions
{
    [Option("tenant-id", "Send through this tenant's active alert routes instead of the operator channels")]
    public string? TenantId { get; set; }

    [Option("channels", "Only these operator channel ids (comma-separated; default: every channel)")]
    public string[] Channels { get; set; } = [];

    [Option("severity", "Severity the test alert carries", Allowed = ["warning", "critical"])]
    public string Severity { get; set; } = AlertSeverity.Warning;

    [Option("route-limit", "Most tenant routes tested", Min = 1, Max = 200)]
    public int RouteLimit { get; set; } = 50;

    [Option("timeout-ms", "Timeout of each HTTP delivery attempt, in milliseconds", Min = 1000, Max = 60000)]
    public int TimeoutMs { get; set; } = 8000;

    [Option("strict", "Exit 2 when any delivery failed or there was nothing to test")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    public bool ThroughTenantRoutes => !string.IsNullOrEmpty(TenantId);

    public override IEnumerable<OptionError> Validate()
    {
        if (ThroughTenantRoutes && Channels.Length > 0)
        {
            yield return new OptionError("channels", string.Join(",", Channels), "names operator channels; it cannot be combined with --tenant-id");
        }
    }

    public override IEnumerable<string> ConditionalPermissions() =>
        ThroughTenantRoutes ? [Permissions.ReadControlPlane, Permissions.WriteAlertDeliveries] : [];
}
