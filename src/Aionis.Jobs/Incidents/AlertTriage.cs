using Aionis.Data.Incidents;
using Aionis.Jobs.Framework;
using static Aionis.Jobs.Incidents.IncidentChanges;

namespace Aionis.Jobs.Incidents;

/// <summary>
/// One triage pass inside one transaction: claim pending alerts, turn each into a new incident or an occurrence of an
/// open one (dedupe window), escalate by occurrences, and note (or close) quiet P2/P3 incidents. A dry run does the
/// same on unclaimed rows and rolls the transaction back.
/// </summary>
internal sealed class AlertTriage(IncidentTransaction transaction, TriagePolicy policy, AlertTriageOptions options, JobContext context)
{
    private readonly List<TriagedAlert> _alerts = [];
    private readonly List<TriageEscalation> _escalations = [];
    private readonly List<TriageCandidate> _candidates = [];
    private readonly string _actor = IncidentActor.Of(context);
    private int _created;

    public IReadOnlyList<TriagedAlert> Alerts => _alerts;
    public IReadOnlyList<TriageEscalation> Escalations => _escalations;
    public IReadOnlyList<TriageCandidate> Candidates => _candidates;
    private CancellationToken Token => context.CancellationToken;

    public async Task TriageAsync()
    {
        foreach (var alert in await IncidentAlertInbox.PendingAsync(transaction, options.MaxAlerts, claim: !context.DryRun, Token))
        {
            var action = policy.Decide(alert.Env, TriageRules.SeverityOf(alert.Severity), alert.Kind);
            var outcome = action.Create ? await RouteAsync(alert, action) : ("ignored", null);
            _alerts.Add(new TriagedAlert(alert.AlertKey, alert.Kind, outcome.Outcome, outcome.IncidentId, action.Rule, alert.Occurrences));
            if (!action.Create)
            {
                await IncidentAlertInbox.MarkTriagedAsync(transaction, alert.AlertKey, "ignored", null, context.Now, Token);
            }
        }
    }

    private async Task<(string Outcome, string? IncidentId)> RouteAsync(InboxAlert alert, TriageAction action)
    {
        var signature = IncidentIds.Signature(alert.Service, alert.Env, alert.Kind, alert.Fingerprint);
        if (!context.DryRun) await transaction.LockSignatureAsync(signature, Token);
        var message = $"alert: {alert.Summary}" + (alert.Occurrences > 1 ? $" (×{alert.Occurrences})" : "");
        if (await IncidentAlertInbox.OpenIncidentAsync(transaction, signature, alert.ReceivedAt - action.DedupeWindow, Token) is { } open)
        {
            await PostgresIncidentBackend.ApplyAsync(transaction, open, Add(new EventDraft(IncidentEventType.Alert, message, _actor, context.Now)
            {
                Occurrences = alert.Occurrences,
            }), Token);
            // Marked before escalation counts the window, so this alert's occurrences are in it.
            await IncidentAlertInbox.MarkTriagedAsync(transaction, alert.AlertKey, "deduplicated", open, context.Now, Token);
            await EscalateAsync(open, action);
            context.Actions.Record("add_alert_event", open, alert.Occurrences);
            return ("deduplicated", open);
        }
        if (_created >= options.MaxIncidents)
        {
            return ("deferred", null);
        }
        var incident = IncidentLog.Build(new NewIncident(alert.Service, TriagePolicy.Grade(TriageRules.SeverityOf(alert.Severity), action), alert.Summary)
        {
            Env = alert.Env,
            Kind = alert.Kind,
            Fingerprint = alert.Fingerprint,
            StartedAt = alert.ReceivedAt,
            Summary = $"opened by incident-alert-triage from a {alert.Source} alert ({alert.AlertKey}); policy rule {action.Rule}",
        }, _actor, context.Now) with { Occurrences = 0 };
        await transaction.InsertIncidentAsync(incident, Token);
        await PostgresIncidentBackend.ApplyAsync(transaction, incident.Id, Add(new EventDraft(IncidentEventType.Alert, message, _actor, context.Now)
        {
            Occurrences = alert.Occurrences,
        }), Token);
        await IncidentAlertInbox.MarkTriagedAsync(transaction, alert.AlertKey, "created", incident.Id, context.Now, Token);
        _created++;
        context.Actions.Record("create_incident", incident.Id, detail: new { incident.Severity, incident.Service, incident.Kind, incident.Title });
        await EscalateAsync(incident.Id, action);
        return ("created", incident.Id);
    }

    /// <summary>P2→P1 at 10 occurrences in 60 min, P1→P0 at 25: a decision and a follow-up for the on-call; never past the cap.</summary>
    private async Task EscalateAsync(string incidentId, TriageAction action)
    {
        var occurrences = await IncidentAlertInbox.OccurrencesSinceAsync(transaction, incidentId, context.Now - TriageRules.EscalationWindow, Token);
        var current = await transaction.LockAsync(incidentId, Token) ?? throw PostgresIncidentBackend.Unknown(incidentId);
        if (TriageRules.EscalationOf(current.Severity, occurrences) is not { } target) return;
        target = IncidentSeverity.Cap(target, action.SeverityCap);
        if (IncidentSeverity.Rank(target) >= IncidentSeverity.Rank(current.Severity)) return;
        var why = $"{occurrences} occurrences in {DurationText.Format(TriageRules.EscalationWindow)}";
        await PostgresIncidentBackend.ApplyAsync(transaction, incidentId, Add(new EventDraft(IncidentEventType.Decision,
            $"escalated {current.Severity} → {target}: {why}", _actor, context.Now) { Severity = target }), Token);
        await PostgresIncidentBackend.ApplyAsync(transaction, incidentId, Add(new EventDraft(IncidentEventType.Followup,
            $"review the escalation to {target} ({why}): cause, impact, whether to page", _actor, context.Now)
        {
            Priority = TriageRules.FollowupPriority,
            Owner = TriageRules.FollowupOwner,
            DueAt = context.Now + TriageRules.FollowupDue,
        }), Token);
        _escalations.Add(new TriageEscalation(incidentId, current.Severity, target, occurrences));
        context.Actions.Record("escalate", incidentId, occurrences, new { from = current.Severity, to = target });
    }

    /// <summary>Quiet P2/P3 incidents get one note per quiet spell; with <c>auto_close</c> they are closed instead.</summary>
    public async Task ReviewQuietAsync()
    {
        foreach (var id in await IncidentAlertInbox.QuietIncidentsAsync(transaction, context.Now - TriageRules.QuietFor, TriageRules.CandidateNote, options.MaxAlerts, Token))
        {
            var incident = await transaction.LockAsync(id, Token) ?? throw PostgresIncidentBackend.Unknown(id);
            var action = policy.Decide(incident.Env, incident.Severity, incident.Kind);
            var quiet = $"{TriageRules.CandidateNote}: no alert for {DurationText.Format(TriageRules.QuietFor)}";
            await PostgresIncidentBackend.ApplyAsync(transaction, id, Add(new EventDraft(IncidentEventType.Note,
                action.AutoClose ? $"{quiet}; closing (policy rule {action.Rule}: auto_close)" : $"{quiet}; close it with: aionis incident close {id}",
                _actor, context.Now)), Token);
            if (action.AutoClose)
            {
                await PostgresIncidentBackend.ApplyAsync(transaction, id, Add(new EventDraft(IncidentEventType.Status,
                    $"closed by incident-alert-triage: quiet for {DurationText.Format(TriageRules.QuietFor)}", _actor, context.Now)
                { Status = IncidentStatus.Closed }), Token);
            }
            _candidates.Add(new TriageCandidate(id, incident.Severity, action.AutoClose ? "closed" : "noted"));
            context.Actions.Record(action.AutoClose ? "auto_close" : "note_auto_resolve_candidate", id);
        }
    }
}
