using System.Text.Json.Nodes;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// Game day: one test alert through each operator channel, or through each active route of a tenant with
/// <c>--tenant-id</c> (no policy applied: the point is to prove delivery). Each result is printed, recorded as a run step,
/// and for tenant routes written to <c>control_alert_deliveries</c> as event <c>alert_test</c>. A dry run sends nothing.
/// </summary>
[Job("alert-test", "Send one test alert through each operator channel (or a tenant's routes) and record each result",
    Permissions = [Permissions.SendAlerts], Time = TimeDependence.PresentOnly)]
public sealed class AlertTestJob(IServiceProvider services, AlertSender sender) : IJob<AlertTestOptions, AlertTestSummary>
{
    public const string EventType = "alert_test";

    public async Task<AlertTestSummary> RunAsync(AlertTestOptions options, JobContext context)
    {
        var checkedAt = context.Now;
        var targets = options.ThroughTenantRoutes
            ? (await services.GetRequiredService<AlertRouteReader>().ActiveAsync(options.TenantId!, options.RouteLimit, context.CancellationToken))
                .Select(r => r.ToTarget()).ToList()
            : OperatorTargets(options);
        var mode = options.ThroughTenantRoutes ? AlertTestSummary.TenantRoutes : AlertTestSummary.OperatorChannels;
        if (targets.Count == 0)
        {
            var nothing = options.ThroughTenantRoutes ? $"tenant {options.TenantId} has no active alert route" : "no operator channel is configured";
            return new AlertTestSummary(false, options.Strict, context.DryRun, checkedAt, mode, options.TenantId, 0, 0, [], nothing);
        }

        // One test alert per run: its dedup key is also its idempotency key.
        var key = $"aionis-alert-test:{context.RunId}";
        var message = new AlertMessage(EventType, options.TenantId, options.Severity,
            $"Aionis game-day test alert (run {context.RunId}); no action needed",
            new JsonObject { ["run_id"] = context.RunId.ToString(), ["task_id"] = context.TaskId, ["test"] = true },
            key, IdempotencyKey: key);
        var deliveries = new List<AlertTestDelivery>();
        foreach (var target in targets)
        {
            var started = context.Now;
            var delivery = await TestAsync(target, message, options, context);
            deliveries.Add(delivery);
            context.Progress($"[alert-test] {target.Id} ({target.Channel}) {delivery.Status}{(delivery.Error is null ? "" : ": " + delivery.Error)}");
            await context.Steps.RecordAsync(new JobStep($"alert:{target.Id}", delivery.Status, started, context.Now, delivery), context.CancellationToken);
        }
        var failed = deliveries.Count(d => d.Status is DeliveryOutcome.Failed or DeliveryOutcome.Unknown);
        return new AlertTestSummary(failed == 0, options.Strict, context.DryRun, checkedAt, mode, options.TenantId,
            deliveries.Count(d => d.Status == DeliveryOutcome.Sent), failed, deliveries, null);
    }

    private List<AlertTarget> OperatorTargets(AlertTestOptions options)
    {
        var channels = services.GetRequiredService<OperatorChannelSet>();
        var chosen = options.Channels.Length > 0 ? channels.Named(options.Channels) : channels.Channels;
        var unknown = options.Channels.Where(id => chosen.All(c => c.Id != id)).ToList();
        if (unknown.Count > 0)
        {
            throw new OptionBindingException([new OptionError("channels", string.Join(",", unknown), "no such operator channel")]);
        }
        return chosen.Select(c => c.ToTarget()).ToList();
    }

    private async Task<AlertTestDelivery> TestAsync(AlertTarget target, AlertMessage message, AlertTestOptions options, JobContext context)
    {
        if (context.DryRun)
        {
            context.Actions.Record("send_alert", $"{target.Channel}:{target.Id}", 1, new { target = target.RedactedUrl, event_type = EventType });
            return new AlertTestDelivery(target.Id, target.Channel, target.RedactedUrl, DeliveryOutcome.Skipped, null, RouteDispatcher.DryRun, 0);
        }
        var outcome = await sender.DeliverAsync(target, message, TimeSpan.FromMilliseconds(options.TimeoutMs), context.CancellationToken);
        context.Actions.Record("send_alert", $"{target.Channel}:{target.Id}", 1, new { target = target.RedactedUrl, status = outcome.Status });
        if (options.ThroughTenantRoutes)
        {
            var metadata = new JsonObject { ["dry_run"] = false, ["channel"] = target.Channel, ["test"] = true, ["attempts"] = outcome.Attempts };
            await services.GetRequiredService<AlertDeliveryStore>().InsertAsync(new AlertDeliveryRecord(Guid.Parse(target.Id), options.TenantId!,
                EventType, outcome.StoredStatus, outcome.ResponseCode, outcome.ResponseBody, outcome.Error, metadata), context.RunId, context.Now, context.CancellationToken);
        }
        return new AlertTestDelivery(target.Id, target.Channel, target.RedactedUrl, outcome.Status, outcome.ResponseCode, outcome.Error, outcome.Attempts);
    }
}
