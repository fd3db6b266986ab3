using System.Text.RegularExpressions;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

public sealed partial class IncidentBundleOptions : JobOptions, ITenantOptions, IStrictOptions
{
    [Option("tenant-id", "Tenant whose evidence is bundled", DefaultFrom = "MEMORY_TENANT_ID")]
    public string TenantId { get; set; } = "default";

    [Option("scope", "Memory scope, passed to gate commands as AIONIS_SCOPE", DefaultFrom = "MEMORY_SCOPE")]
    public string Scope { get; set; } = "default";

    [Option("window-hours", "Window of the timeseries, key-usage and publish-SLO steps (their baselines are 4 x window)", Min = 1, Max = 720)]
    public int WindowHours { get; set; } = 168;

    [Option("run-id", "Bundle run id: folder name and publish key (default: UTC yyyyMMdd_HHmmss; with --tenant-id \"*\" each tenant's gets _<tenant> appended)")]
    public string? RunId { get; set; }

    [Option("out-dir", "Bundle folder; must be new or empty (default: artifacts/hosted_incident_bundle/<run-id>)")]
    public string? OutDir { get; set; }

    [Option("publish-target", "Publish the sealed bundle here (s3://, gs://, az://, file://, path; with --tenant-id \"*\" under <target>/<tenant>)", DefaultFrom = "PUBLISH_TARGET")]
    public string? PublishTarget { get; set; }

    [Option("publish-async", "Enqueue the publish (hosted-incident-publish-enqueue) instead of uploading now")]
    public bool PublishAsync { get; set; }

    [Option("signing-key", "HMAC key for evidence_index.sig.json", Secret = true, DefaultFrom = "INCIDENT_BUNDLE_SIGNING_KEY")]
    public string? SigningKey { get; set; }

    [Option("dispatch-alerts", "Run hosted-alert-dispatch for the tenant (a dry run unless --alert-dispatch-live)")]
    public bool DispatchAlerts { get; set; }

    [Option("alert-dispatch-live", "With --dispatch-alerts: really send the alerts and record deliveries")]
    public bool AlertDispatchLive { get; set; }

    [Option("gate-command", "A shell command run first; its output and exit code become evidence (repeatable)", CommaSeparated = false)]
    public string[] GateCommand { get; set; } = [];

    [Option("gate-env", "Worker environment variables passed to gate commands besides PATH, HOME, LANG and TZ (comma-separated names)")]
    public string[] GateEnv { get; set; } = [];

    [Option("skip-core-gate", "Skip the --gate-command steps (the core gate)")]
    public bool SkipCoreGate { get; set; }

    [Option("skip-governance", "Accepted and ignored: the governance report runs as a --gate-command")]
    public bool SkipGovernance { get; set; }

    [Option("skip-key-sla", "Skip the key-rotation SLA step")]
    public bool SkipKeySla { get; set; }

    [Option("skip-timeseries", "Skip the tenant timeseries export step")]
    public bool SkipTimeseries { get; set; }

    [Option("skip-key-usage", "Skip the key-usage anomaly step")]
    public bool SkipKeyUsage { get; set; }

    [Option("skip-incident-slo", "Skip the incident publish SLO step")]
    public bool SkipIncidentSlo { get; set; }

    [Option("skip-audit-snapshot", "Skip the audit snapshot (audit_events.json, dashboard_summary.json)")]
    public bool SkipAuditSnapshot { get; set; }

    [Option("require-signature", "The evidence_verify step fails unless a signature verifies (hosted-incident-verify --require-signature)")]
    public bool RequireSignature { get; set; }

    [Option("no-strict", "Exit 0 even when a step failed (strict is the default)")]
    public bool NoStrict { get; set; }

    public bool Strict => !NoStrict;

    public override IEnumerable<OptionError> Validate()
    {
        if (string.IsNullOrWhiteSpace(TenantId))
        {
            yield return new OptionError("tenant-id", TenantId, "must not be empty");
        }
        if (RunId is not null && !SafeName().IsMatch(RunId))
        {
            yield return new OptionError("run-id", RunId, "allowed: letters, digits, '.', '_' and '-' (it names a folder and object keys)");
        }
        if (TenantId == "*" && OutDir is not null && !OutDir.Contains("{tenant_id}", StringComparison.Ordinal))
        {
            yield return new OptionError("out-dir", OutDir, "with --tenant-id \"*\" it must contain {tenant_id}: every tenant's bundle needs its own folder");
        }
        foreach (var name in GateEnv.Where(name => !EnvironmentName().IsMatch(name)))
        {
            yield return new OptionError("gate-env", name, "allowed: environment variable names (letters, digits, '_', not starting with a digit)");
        }
        if (AlertDispatchLive && !DispatchAlerts)
        {
            yield return new OptionError("alert-dispatch-live", null, "needs --dispatch-alerts");
        }
        if (PublishAsync && string.IsNullOrEmpty(PublishTarget))
        {
            yield return new OptionError("publish-async", null, "needs --publish-target");
        }
    }

    public override IEnumerable<string> ConditionalPermissions()
    {
        if (!string.IsNullOrEmpty(PublishTarget))
        {
            yield return PublishAsync ? Permissions.WritePublishQueue : Permissions.UploadObjectStorage;
        }
        if (DispatchAlerts && AlertDispatchLive)
        {
            yield return Permissions.SendAlerts;
            yield return Permissions.WriteAlertDeliveries;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex SafeName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex EnvironmentName();
}
