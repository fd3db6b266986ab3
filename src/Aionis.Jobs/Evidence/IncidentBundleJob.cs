using System.Globalization;
using Aionis.Jobs.Alerts;
using Aionis.Jobs.Framework;
using Aionis.Jobs.KeyRotation;
using Aionis.Jobs.Publishing;
using Aionis.Jobs.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Aionis.Jobs.Evidence;

/// <summary>
/// An incident evidence bundle for one tenant: gate commands, the SLA, timeseries,
/// key-usage, publish-SLO and alert jobs run in-process, an audit snapshot from the database, then the sealed index
/// (SHA256SUMS, HMAC, ECDSA), its verification and the publish. Every step has a log in the bundle and a history row.
/// </summary>
[Job("incident-bundle-hosted", "Incident evidence bundle: job reports, audit snapshot, signed evidence index, verification and publish",
    Permissions = [Permissions.ReadControlPlane], PerTenant = true)]
public sealed class IncidentBundleJob(NestedJobRunner jobs, AuditSnapshotReader audit, IOptions<EvidenceSettings> settings, IConfiguration configuration,
    IEnumerable<IBundleSection> sections)
    : IJob<IncidentBundleOptions, IncidentBundleSummary>
{
    public async Task<IncidentBundleSummary> RunAsync(IncidentBundleOptions options, JobContext context)
    {
        var identity = BundleIdentity.For(options, context);
        var runId = identity.RunId;
        var bundleDir = context.ResolveOutputPath(options.OutDir ?? $"artifacts/hosted_incident_bundle/{runId}", "out-dir");
        using var signingKey = settings.Value.SigningKeyPemFile is { Length: > 0 } pem
            ? EcdsaPem.LoadPrivate(pem, "Evidence:SigningKeyPemFile")
            : null;
        CreateEmptyFolder(bundleDir);
        context.Artifacts.Add(identity.Artifact("bundle_dir"), bundleDir);

        var steps = new BundleSteps(bundleDir, context, jobs);
        var window = options.WindowHours;
        var tenant = options.TenantId;

        await RunGateCommandsAsync(steps, options, runId, bundleDir, GateOutputRedactor.From(configuration), context);
        await JobStepAsync<KeyRotationSlaOptions, KeyRotationSlaSummary>(options.SkipKeySla, "key_rotation_sla", "03_key_rotation_sla.log", sla =>
        {
            sla.Strict = true;
            sla.Out = Path.Combine(bundleDir, "key_rotation_sla.json");
        });
        await JobStepAsync<TimeseriesExportOptions, TimeseriesExportSummary>(options.SkipTimeseries, "tenant_timeseries_export", "04_timeseries.log", export =>
        {
            export.TenantId = tenant;
            export.WindowHours = window;
            export.OutDir = Path.Combine(bundleDir, "timeseries");
        });
        await JobStepAsync<KeyUsageAnomalyOptions, KeyUsageAnomalySummary>(options.SkipKeyUsage, "key_usage_anomaly", "05_key_usage_anomaly.log", usage =>
        {
            usage.TenantId = tenant;
            usage.WindowHours = window;
            usage.BaselineHours = 4 * window;
            usage.Strict = true;
            usage.Out = Path.Combine(bundleDir, "key_usage_anomaly.json");
        });
        await JobStepAsync<PublishSloOptions, PublishSloSummary>(options.SkipIncidentSlo, "incident_publish_slo", "05b_incident_publish_slo.log", slo =>
        {
            slo.TenantId = tenant;
            slo.WindowHours = window;
            slo.BaselineHours = 4 * window;
            slo.Strict = true;
            slo.Out = Path.Combine(bundleDir, "incident_publish_slo.json");
        });
        foreach (var section in sections)
        {
            await steps.RunAsync(section.Name, section.LogFile, log => section.WriteAsync(new BundleSectionRequest(bundleDir, tenant, window), log, context));
        }
        var live = options.AlertDispatchLive && !context.DryRun;
        await JobStepAsync<AlertDispatchOptions, AlertDispatchSummary>(!options.DispatchAlerts, "alert_dispatch", "06_alert_dispatch.log", dispatch =>
        {
            dispatch.TenantId = tenant;
            dispatch.Out = Path.Combine(bundleDir, "alert_dispatch.json");
            if (live) dispatch.Strict = true;
        }, dryRun: !live);

        if (options.SkipAuditSnapshot)
        {
            await steps.SkipAsync("audit_snapshot", "07_audit_snapshot.log");
        }
        else
        {
            await steps.RunAsync("audit_snapshot", "07_audit_snapshot.log", log => WriteAuditSnapshotAsync(tenant, bundleDir, log, context));
        }

        SealedBundle? seal = null;
        await steps.RunAsync("evidence_index", "08_evidence_index.log", async _ =>
        {
            seal = await BundleSealer.SealAsync(new SealRequest(bundleDir, runId, context.Now, context.DryRun, options.SigningKey, signingKey),
                context.CancellationToken);
            return new StepOutcome(true, $"files={seal.FileCount}");
        });
        // The bundle's own key, even when empty: verify must not fall back to another one.
        await steps.RunJobAsync<IncidentVerifyOptions, IncidentVerifySummary>("evidence_verify", BundleFiles.VerifyLog, verify =>
        {
            verify.BundleDir = bundleDir;
            verify.Strict = true;
            verify.SigningKey = options.SigningKey ?? "";
            verify.RequireSignature = options.RequireSignature;
        }, context.DryRun);

        var published = await BundlePublishStep.RunAsync(steps, options, identity, bundleDir, seal?.FileCount ?? 0, context);

        var summaryFile = Path.Combine(bundleDir, BundleFiles.Summary);
        var summary = new IncidentBundleSummary(
            Ok: steps.FailReasons.Count == 0,
            RunId: runId,
            Target: new BundleTarget(options.Scope, tenant, window),
            Strict: options.Strict,
            DryRun: context.DryRun,
            Steps: steps.Entries,
            FailReasons: steps.FailReasons,
            Artifacts: new BundleArtifacts(
                OutDir: bundleDir,
                SummaryJson: summaryFile,
                EvidenceIndexJson: seal?.IndexFile ?? "",
                EvidenceSignatureJson: seal?.HmacSignatureFile ?? "",
                EvidenceEcdsaSignature: seal?.EcdsaSignatureFile ?? "",
                Sha256Sums: seal?.Sha256SumsFile ?? "",
                Sha256SumsSignature: seal?.Sha256SumsSignatureFile ?? "",
                PublishTarget: identity.PublishTarget ?? "",
                PublishAsync: options.PublishAsync,
                PublishJobId: published.JobId,
                PublishAdapter: published.Adapter,
                PublishAttestationJson: published.AttestationJson,
                PublishedUri: published.PublishedUri),
            Evidence: new BundleEvidence(seal?.HmacSignatureFile is not null, seal?.EcdsaSignatureFile is not null, seal?.FileCount ?? 0));
        await JobJson.WriteFileAsync(summaryFile, summary, context.CancellationToken);
        context.Artifacts.Add(identity.Artifact("summary_json"), summaryFile);
        return summary;

        Task JobStepAsync<TOptions, TSummary>(bool skip, string name, string logFile, Action<TOptions> values, bool? dryRun = null)
            where TOptions : JobOptions where TSummary : class, IJobSummary =>
            skip ? steps.SkipAsync(name, logFile) : steps.RunJobAsync<TOptions, TSummary>(name, logFile, values, dryRun ?? context.DryRun);
    }

    /// <summary>Steps 1–2 of the reference: here any number of <c>--gate-command</c>s. A dry run runs none of them.</summary>
    private static async Task RunGateCommandsAsync(BundleSteps steps, IncidentBundleOptions options, string runId, string bundleDir,
        GateOutputRedactor redactor, JobContext context)
    {
        var environment = new Dictionary<string, string>
        {
            ["AIONIS_BUNDLE_DIR"] = bundleDir,
            ["AIONIS_BUNDLE_RUN_ID"] = runId,
            ["AIONIS_TENANT_ID"] = options.TenantId,
            ["AIONIS_SCOPE"] = options.Scope,
            ["AIONIS_WINDOW_HOURS"] = options.WindowHours.ToString(CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < options.GateCommand.Length; i++)
        {
            var command = options.GateCommand[i];
            var name = $"gate_command_{i + 1}";
            var logFile = $"01_{name}.log";
            if (options.SkipCoreGate)
            {
                await steps.SkipAsync(name, logFile);
            }
            else if (context.DryRun)
            {
                context.Actions.Record("run_gate_command", command);
                await steps.SkipAsync(name, logFile, "dry_run");
            }
            else
            {
                await steps.RunAsync(name, logFile, async log =>
                {
                    var exitCode = await GateCommand.RunAsync(command, bundleDir, options.GateEnv, environment, redactor, log, context.CancellationToken);
                    log.WriteLine($"exit_code={exitCode}");
                    return new StepOutcome(exitCode == 0, $"exit_code={exitCode}");
                });
            }
        }
    }

    private async Task<StepOutcome> WriteAuditSnapshotAsync(string tenant, string bundleDir, StepLog log, JobContext context)
    {
        var events = await audit.ReadAuditEventsAsync(tenant, context.CancellationToken);
        await JobJson.WriteFileAsync(Path.Combine(bundleDir, "audit_events.json"), events, context.CancellationToken);
        log.WriteLine($"audit_events.json: {events.Count} events of tenant {tenant} (newest {AuditSnapshotReader.EventLimit} at most)");

        var dashboard = await audit.ReadDashboardAsync(tenant, context.Now, context.CancellationToken);
        await JobJson.WriteFileAsync(Path.Combine(bundleDir, "dashboard_summary.json"), dashboard, context.CancellationToken);
        log.WriteLine($"dashboard_summary.json: tenant {(dashboard.Tenant is null ? "not found" : dashboard.Tenant.Status)}, " +
            $"{dashboard.ApiKeys.Active} active and {dashboard.ApiKeys.Revoked} revoked keys, quota {(dashboard.Quota is null ? "none" : "set")}");
        return new StepOutcome(true, dashboard.Tenant is null ? "ok,tenant_not_found" : "ok");
    }

    private static void CreateEmptyFolder(string bundleDir)
    {
        if (Directory.Exists(bundleDir) && Directory.EnumerateFileSystemEntries(bundleDir).Any())
        {
            throw new InvalidOperationException($"--out-dir '{bundleDir}' already holds files: a bundle folder must be new or empty");
        }
        Directory.CreateDirectory(bundleDir);
    }
}
