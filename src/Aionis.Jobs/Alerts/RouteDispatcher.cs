using System.Text.Json.Nodes;
using Aionis.Data.Alerts;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// Routes one event to a tenant's routes: per route, the policy in order — thresholds, quiet
/// windows, dedupe — then delivery, each outcome written to <c>control_alert_deliveries</c>. A dry run sends nothing
/// and writes no rows; its plan is in the summary and <c>planned_actions</c>.
/// Before sending, the run claims the route's dedupe key in <c>worker.alert_delivery_claims</c>: of two concurrent runs
/// only one sends, the other records a dedupe hit. The claim carries the delivery's idempotency key, kept across runs
/// while the outcome is unknown (a timeout), so the retry is recognisably the same delivery.
/// </summary>
public sealed class RouteDispatcher(AlertRouteReader routes, AlertDeliveryStore deliveries, AlertDeliveryClaimStore claims, AlertSender sender)
{
    public const string NoActiveRoute = "no_active_route";
    public const string InvalidPolicy = "invalid_policy";
    public const string BelowRouteThreshold = "below_route_threshold";
    public const string QuietWindowSuppressed = "quiet_window_suppressed";
    public const string DedupeHit = "dedupe_hit";
    public const string DryRun = "dry_run";

    public async Task<List<DispatchRow>> DispatchAsync(string tenantId, AlertEvent alert, AlertDispatchOptions options, JobContext context)
    {
        var matching = await routes.ForEventAsync(tenantId, alert.EventType, options.RouteLimit, context.CancellationToken);
        if (matching.Count == 0)
        {
            return [new DispatchRow(alert.EventType, null, null, DeliveryOutcome.Skipped, null, null, null, NoActiveRoute)];
        }
        var rows = new List<DispatchRow>();
        foreach (var route in matching)
        {
            rows.Add(await RouteAsync(tenantId, alert, route, options, context));
        }
        return rows;
    }

    private async Task<DispatchRow> RouteAsync(string tenantId, AlertEvent alert, AlertRoute route, AlertDispatchOptions options, JobContext context)
    {
        var now = context.Now;
        var metadata = new JsonObject { ["dry_run"] = context.DryRun, ["channel"] = route.Channel };
        RoutePolicy policy;
        try
        {
            policy = RoutePolicy.Parse(route.Policy);
        }
        catch (RoutePolicyException e)
        {
            metadata["policy_applied"] = false;
            metadata["reason"] = InvalidPolicy;
            metadata["policy_error"] = e.Message;
            return await SkipAsync(tenantId, alert, route, null, InvalidPolicy, InvalidPolicy, metadata, context, e.Message);
        }
        metadata["policy_applied"] = true;

        if (policy.GradeSeverity(alert) is not { } severity)
        {
            metadata["reason"] = "severity_threshold";
            return await SkipAsync(tenantId, alert, route, null, BelowRouteThreshold, BelowRouteThreshold, metadata, context);
        }
        var quiet = policy.QuietWindowAt(now);
        if (quiet?.Mode == QuietWindow.Suppress)
        {
            metadata["reason"] = "quiet_window";
            metadata["quiet_mode"] = quiet.Mode;
            return await SkipAsync(tenantId, alert, route, severity, QuietWindowSuppressed, "quiet_window", metadata, context);
        }
        var input = severity;
        if (quiet is not null && severity == AlertSeverity.Critical)
        {
            severity = AlertSeverity.Warning;
        }
        var dedupeKey = policy.DedupeKey(new Dictionary<string, string>
        {
            ["tenant_id"] = tenantId,
            ["event_type"] = alert.EventType,
            ["severity"] = severity,
            ["channel"] = route.Channel,
            ["route_id"] = route.Id.ToString(),
        });
        metadata["dedupe_key"] = dedupeKey;
        metadata["dedupe_ttl_seconds"] = policy.DedupeTtlSeconds;

        var lastSent = await deliveries.LastSentAsync(route.Id, dedupeKey, now.AddSeconds(-policy.DedupeTtlSeconds), context.CancellationToken);
        if (lastSent is { } last)
        {
            metadata["dedupe_last_delivery_at"] = IsoTime.Format(last);
            return await SkipAsync(tenantId, alert, route, severity, DedupeHit, DedupeHit, metadata, context);
        }

        metadata["quiet_window_hit"] = quiet is not null;
        metadata["quiet_mode"] = quiet?.Mode;
        metadata["severity_input"] = input;
        metadata["severity_output"] = severity;
        var target = route.ToTarget();
        var message = new AlertMessage(alert.EventType, tenantId, severity, alert.Summary, alert.Payload, dedupeKey);
        if (context.DryRun)
        {
            context.Actions.Record("send_alert", $"route:{route.Id}", 1,
                new { event_type = alert.EventType, channel = route.Channel, target = target.RedactedUrl, severity, dedupe_key = dedupeKey });
            return new DispatchRow(alert.EventType, route.Id, route.Channel, DeliveryOutcome.Skipped, severity, null, DryRun, DryRun);
        }

        var scope = route.Id.ToString();
        var claim = await claims.TryClaimAsync(scope, dedupeKey, AlertIdempotency.NewKey(), context.RunId, now,
            AlertIdempotency.Lease(options.Timeout, sender.Delivery), now.AddSeconds(-policy.DedupeTtlSeconds), context.CancellationToken);
        if (claim is null)
        {
            metadata["dedupe_claimed_elsewhere"] = true;
            return await SkipAsync(tenantId, alert, route, severity, DedupeHit, DedupeHit, metadata, context);
        }
        metadata["idempotency_key"] = claim.IdempotencyKey;
        metadata["delivery_attempt"] = claim.Attempts;
        var outcome = await sender.DeliverAsync(target, message with { IdempotencyKey = claim.IdempotencyKey }, options.Timeout, context.CancellationToken);
        metadata["attempts"] = outcome.Attempts;
        metadata["delivery_state"] = outcome.Status;
        var error = outcome.Status == DeliveryOutcome.Unknown ? AlertIdempotency.UnknownError(outcome.Error) : outcome.Error;
        await deliveries.InsertAsync(new AlertDeliveryRecord(route.Id, tenantId, alert.EventType, outcome.StoredStatus,
            outcome.ResponseCode, outcome.ResponseBody, error, metadata), context.RunId, now, context.CancellationToken);
        await claims.FinishAsync(scope, dedupeKey, context.RunId, outcome.Status, context.Now, context.CancellationToken);
        context.Actions.Record("send_alert", $"route:{route.Id}", 1,
            new { event_type = alert.EventType, channel = route.Channel, target = target.RedactedUrl, severity, status = outcome.Status });
        return new DispatchRow(alert.EventType, route.Id, route.Channel, outcome.Status, severity, outcome.ResponseCode, error);
    }

    /// <summary>A policy skip: a <c>skipped</c> delivery row (none in a dry run) and the run row with its reason.</summary>
    private async Task<DispatchRow> SkipAsync(string tenantId, AlertEvent alert, AlertRoute route, string? severity, string error,
        string reason, JsonObject metadata, JobContext context, string? detail = null)
    {
        if (!context.DryRun)
        {
            await deliveries.InsertAsync(new AlertDeliveryRecord(route.Id, tenantId, alert.EventType, DeliveryOutcome.Skipped,
                null, null, error, metadata), context.RunId, context.Now, context.CancellationToken);
        }
        return new DispatchRow(alert.EventType, route.Id, route.Channel, DeliveryOutcome.Skipped, severity, null, detail ?? error, reason);
    }
}
