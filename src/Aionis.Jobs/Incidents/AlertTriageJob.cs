using Aionis.Data.Incidents;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Incidents;

/// <summary>
/// Turns new alerts into incidents: collects operator alerts and tenant events into the inbox (committed on its own,
/// so an alert is never lost to a later failure), then triages at most <c>--max-alerts</c> of them in one transaction
/// with the claimed rows. A dry run collects and triages inside a transaction it rolls back, claiming nothing.
/// </summary>
[Job("incident-alert-triage", "Turn new operator alerts and tenant alert events into incidents (dedupe, escalation, auto-resolve candidates)",
    Permissions = [Permissions.ReadControlPlane, Permissions.ReadIncidents, Permissions.WriteIncidents], Time = TimeDependence.PresentOnly)]
public sealed class AlertTriageJob(IncidentStore store, TriageSources sources, TriagePolicy policy) : IJob<AlertTriageOptions, AlertTriageSummary>
{
    public async Task<AlertTriageSummary> RunAsync(AlertTriageOptions options, JobContext context)
    {
        var token = context.CancellationToken;
        var read = await sources.ReadAsync(options, context);
        var collected = 0;
        if (!context.DryRun)
        {
            await using var collect = await store.BeginAsync(token);
            collected = await IncidentAlertInbox.CollectAsync(collect, read.Alerts, serialise: true, token);
            await collect.CommitAsync(token);
        }
        await using var transaction = await store.BeginAsync(token);
        if (context.DryRun)
        {
            collected = await IncidentAlertInbox.CollectAsync(transaction, read.Alerts, serialise: false, token);
        }
        context.Actions.Record("collect_alerts", "worker.incident_alert_inbox", collected);
        var triage = new AlertTriage(transaction, policy, options, context);
        await triage.TriageAsync();
        await triage.ReviewQuietAsync();
        if (!context.DryRun)
        {
            await transaction.CommitAsync(token);
        }
        var alerts = triage.Alerts;
        return new AlertTriageSummary(
            Ok: read.NotEvaluated.Count == 0,
            DryRun: context.DryRun,
            CheckedAt: context.Now,
            Policy: policy.Source,
            AlertsCollected: collected,
            AlertsRead: alerts.Count,
            IncidentsCreated: alerts.Count(a => a.Outcome == "created"),
            AlertsDeduplicated: alerts.Count(a => a.Outcome == "deduplicated"),
            AlertsIgnored: alerts.Count(a => a.Outcome == "ignored"),
            AlertsDeferred: alerts.Count(a => a.Outcome == "deferred"),
            Alerts: alerts,
            Escalations: triage.Escalations,
            AutoResolveCandidates: triage.Candidates,
            SourcesNotEvaluated: read.NotEvaluated);
    }
}
