using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// Tenant alert dispatch: detects the tenant's events, routes each through the tenant's active
/// <c>control_alert_routes</c> with their policies, delivers to webhook, Slack and PagerDuty targets, and records every
/// outcome in <c>control_alert_deliveries</c>. Not ok when any delivery failed.
/// </summary>
[Job("hosted-alert-dispatch", "Detect tenant alert events and deliver them through the tenant's alert routes",
    Permissions = [Permissions.ReadControlPlane, Permissions.SendAlerts, Permissions.WriteAlertDeliveries], PerTenant = true, Time = TimeDependence.PresentOnly)]
public sealed class AlertDispatchJob(AlertEventDetector detector, RouteDispatcher dispatcher) : IJob<AlertDispatchOptions, AlertDispatchSummary>
{
    public async Task<AlertDispatchSummary> RunAsync(AlertDispatchOptions options, JobContext context)
    {
        var checkedAt = context.Now;
        var detection = await detector.DetectAsync(options, context);
        var rows = new List<DispatchRow>();
        foreach (var alert in detection.Events)
        {
            rows.AddRange(await dispatcher.DispatchAsync(options.TenantId, alert, options, context));
        }
        foreach (var missing in detection.NotEvaluated)
        {
            context.Progress($"[hosted-alert-dispatch] {missing.EventType} not evaluated: {missing.Reason}");
        }
        var delivery = DeliveryCounts.Of(rows);
        return new AlertDispatchSummary(
            Ok: delivery.Failed == 0 && delivery.Unknown == 0,
            Strict: options.Strict,
            DryRun: context.DryRun,
            CheckedAt: checkedAt,
            TenantId: options.TenantId,
            EventTypes: options.EventTypes,
            EventsDetected: detection.Events.Select(e => new DetectedEventRow(e.EventType, e.Summary, e.Severity)).ToList(),
            EventsNotEvaluated: detection.NotEvaluated,
            Delivery: delivery);
    }
}
