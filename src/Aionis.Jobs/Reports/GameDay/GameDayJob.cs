using System.Text.Json;
using System.Text.Json.Nodes;
using Aionis.Jobs.Alerts;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Logging;

namespace Aionis.Jobs.Reports.GameDay;

/// <summary>
/// A game-day drill recorded as a run: the test alert to every operator channel (one step each, with when it was sent and
/// when the receiver accepted it), acknowledgements the receivers report (Alertmanager silences) watched for up to
/// <c>--ack-wait-seconds</c>, for backend-outage the health URL polled until restored, then the test alert resolved
/// everywhere it was accepted. People record the acknowledgements no receiver reports with <c>aionis game-day ack</c>;
/// <c>aionis game-day show</c> re-renders the report with them. A dry run sends nothing and polls nothing.
/// </summary>
[Job("game-day", "Game-day drill: test alert to every operator channel, acceptance and acknowledgement timed, restore timed; report against the on-call targets",
    Permissions = [Permissions.SendAlerts], Time = TimeDependence.PresentOnly)]
public sealed class GameDayJob(OperatorChannelSet channels, AlertSender sender, AlertmanagerAcks alertmanager, ReceiverPoll poll, ILogger<GameDayJob> logger)
    : IJob<GameDayOptions, GameDaySummary>
{
    public const string EventType = "game_day";

    /// <summary>Alertmanager forgets an alert whose <c>endsAt</c> passed: the drill re-posts it this often while it watches (as the worker does).</summary>
    private static readonly TimeSpan AlertmanagerRepost = TimeSpan.FromMinutes(1);

    public async Task<GameDaySummary> RunAsync(GameDayOptions options, JobContext context)
    {
        var started = context.Now;
        var drill = options.Drill;
        var files = ReportOutput.Plan(context, options.OutDir, $"{drill.Name}-{started.UtcDateTime:yyyy-MM-ddTHHmm}");
        var targets = Targets(options);
        var timeout = TimeSpan.FromMilliseconds(options.TimeoutMs);
        var probeTarget = options.ProbeUrl is null ? null : Secrets.RedactUrl(options.ProbeUrl);
        var plan = Plan(options, targets, probeTarget);
        foreach (var line in plan) context.Progress($"[game-day] {line}");

        var deliveries = new List<GameDayDelivery>();
        GameDayRestore? restore = null;
        var resolved = 0;
        if (context.DryRun)
        {
            deliveries.AddRange(targets.Select(t => Delivery(t, "planned", null, null, null)));
            foreach (var t in targets) context.Actions.Record("send_alert", $"{t.Channel}:{t.Id}", 1, new { target = t.RedactedUrl, event_type = EventType });
            if (probeTarget is not null)
            {
                restore = new GameDayRestore(probeTarget, GameDayRestore.Planned, 0, null, null, null, null);
                context.Actions.Record("probe", probeTarget, 1, new { until = "2xx after an outage", wait_seconds = options.RestoreWaitSeconds });
            }
        }
        else if (targets.Count > 0)
        {
            var messages = targets.ToDictionary(t => t.Id, t => Message(t, options, context));
            foreach (var target in targets)
            {
                deliveries.Add(await SendAsync(target, messages[target.Id], timeout, context));
            }
            var probe = options.ProbeUrl is null ? null : new RestoreProbe(poll, options.ProbeUrl, probeTarget!);
            deliveries = await WatchAsync(deliveries, targets, messages, probe, options, started, context);
            restore = probe?.Result();
            if (restore is not null)
            {
                await context.Steps.RecordAsync(new JobStep(GameDayRestore.StepName, restore.Status, started, context.Now, restore), context.CancellationToken);
            }
            resolved = await ResolveAsync(deliveries, targets, messages, timeout, context);
        }

        var summary = GameDayVerdict.Judge(new GameDaySummary(false, context.DryRun, context.RunId, drill.Name, options.Level,
            OnCallLevel.AlertSeverityOf(options.Level), started, context.Now, options.Targets, deliveries, restore, resolved,
            GameDayMeasure.NotJudged, GameDayMeasure.NotJudged, plan, files, null), context.Now);
        await ReportOutput.WriteAsync(context, files, summary, GameDayMarkdown.Render(summary), [], deliveries.Count);
        logger.ReportWritten("game-day", files.Directory, summary.Ok ? "ok" : summary.Problem!);
        return summary;
    }

    private List<AlertTarget> Targets(GameDayOptions options)
    {
        var chosen = options.Channels.Length > 0 ? channels.Named(options.Channels) : channels.Channels;
        var unknown = options.Channels.Where(id => chosen.All(c => c.Id != id)).ToList();
        if (unknown.Count > 0)
        {
            throw new OptionBindingException([new OptionError("channels", string.Join(",", unknown), "no such operator channel (Alerts:Channels)")]);
        }
        return chosen.Select(c => c.ToTarget()).ToList();
    }

    private static List<string> Plan(GameDayOptions options, List<AlertTarget> targets, string? probeTarget)
    {
        var drill = options.Drill;
        var plan = new List<string>
        {
            $"exercise {drill.Name} ({drill.Description}), judged at {options.Level.ToUpperInvariant()}: acknowledged within {options.Targets.AckMinutes(options.Level)} min",
        };
        plan.AddRange(targets.Select(t => $"send a {OnCallLevel.AlertSeverityOf(options.Level)} test alert to {t.Id} ({t.Channel}, {t.RedactedUrl}); "
            + (t.Kind == AlertTargetKind.Alertmanager ? $"watch it for a silence up to {DurationText.Format(options.AckWait)}" : "acknowledgement recorded with aionis game-day ack")));
        if (targets.Count == 0) plan.Add("no operator channel is configured (Alerts:Channels): nothing to send");
        if (probeTarget is not null)
        {
            plan.Add($"probe {probeTarget} every {options.PollIntervalMs} ms until it answers 2xx after an outage, up to {DurationText.Format(TimeSpan.FromSeconds(options.RestoreWaitSeconds))}; restore within {options.RestoreTargetMinutes} min");
        }
        if (targets.Count > 0) plan.Add("resolve the test alert on every channel that accepted it");
        return plan;
    }

    private static AlertMessage Message(AlertTarget target, GameDayOptions options, JobContext context)
    {
        var step = Step(target);
        var key = $"aionis-game-day:{context.RunId}";
        var severity = OnCallLevel.AlertSeverityOf(options.Level);
        var payload = new JsonObject
        {
            ["run_id"] = context.RunId.ToString(),
            ["exercise"] = options.Exercise,
            ["level"] = options.Level,
            ["test"] = true,
            ["ack_command"] = $"aionis game-day ack {context.RunId} --step {step}",
        };
        return new AlertMessage(EventType, null, severity,
            $"Aionis GAME DAY drill {options.Exercise} ({options.Level.ToUpperInvariant()}), run {context.RunId}: acknowledge it as you would a real one", payload,
            key, IdempotencyKey: $"{key}:{target.Id}")
        {
            Labels = new Dictionary<string, string>
            {
                ["alertname"] = "aionis_game_day", [AlertmanagerAcks.RunLabel] = context.RunId.ToString(), ["exercise"] = options.Exercise, ["severity"] = severity,
            },
            StartsAt = context.Now,
        };
    }

    private static string Step(AlertTarget target) => $"alert:{target.Id}";

    private static GameDayDelivery Delivery(AlertTarget target, string status, DateTimeOffset? sentAt, DateTimeOffset? acceptedAt, DeliveryOutcome? outcome) =>
        new(Step(target), target.Id, target.Channel, target.RedactedUrl, status, sentAt, acceptedAt, outcome?.ResponseCode, outcome?.Error,
            outcome is { IsSent: true } && target.Kind == AlertTargetKind.PagerDuty ? DedupKeyEchoed(outcome.ResponseBody) : null,
            target.Kind == AlertTargetKind.Alertmanager ? "alertmanager_silence" : GameDayVerdict.CliSource);

    private async Task<GameDayDelivery> SendAsync(AlertTarget target, AlertMessage message, TimeSpan timeout, JobContext context)
    {
        var sentAt = context.Now;
        var outcome = await sender.DeliverAsync(target, message, timeout, context.CancellationToken);
        var answeredAt = context.Now;
        var delivery = Delivery(target, outcome.IsSent ? GameDayDelivery.Accepted : outcome.Status, sentAt, outcome.IsSent ? answeredAt : null, outcome);
        context.Actions.Record("send_alert", $"{target.Channel}:{target.Id}", 1, new { target = target.RedactedUrl, status = delivery.Status });
        context.Progress($"[game-day] {target.Id} ({target.Channel}) {delivery.Status}{(delivery.Error is null ? "" : ": " + delivery.Error)}");
        await context.Steps.RecordAsync(new JobStep(delivery.Step, delivery.Status, sentAt, answeredAt, delivery), context.CancellationToken);
        return delivery;
    }

    /// <summary>
    /// Polls until every accepted Alertmanager delivery is acknowledged (or the acknowledgement wait ends) and the probe is
    /// done (or the restore wait ends), both waits counted from the drill's start on the run's clock; the pause between polls is real time,
    /// because the receivers change in real time.
    /// </summary>
    private async Task<List<GameDayDelivery>> WatchAsync(List<GameDayDelivery> deliveries, List<AlertTarget> targets, Dictionary<string, AlertMessage> messages,
        RestoreProbe? probe, GameDayOptions options, DateTimeOffset started, JobContext context)
    {
        var (ct, timeout) = (context.CancellationToken, TimeSpan.FromMilliseconds(options.TimeoutMs));
        var ackUntil = started + options.AckWait;
        var restoreUntil = started + TimeSpan.FromSeconds(options.RestoreWaitSeconds);
        var lastPost = started;
        bool Watching(GameDayDelivery d) => d.IsAccepted && d.AcknowledgedAt is null && d.AckObservable == "alertmanager_silence";
        while (true)
        {
            var watchAcks = deliveries.Any(Watching) && context.Now < ackUntil;
            var watchRestore = probe is { Done: false } && context.Now < restoreUntil;
            if (!watchAcks && !watchRestore) return deliveries;
            if (watchRestore) await probe!.ProbeAsync(() => context.Now, timeout, ct);
            if (watchAcks)
            {
                var repost = context.Now - lastPost >= AlertmanagerRepost;
                for (var i = 0; i < deliveries.Count; i++)
                {
                    if (!Watching(deliveries[i])) continue;
                    var target = targets.Single(t => t.Id == deliveries[i].Channel);
                    if (repost) await sender.DeliverAsync(target, messages[target.Id], timeout, ct);
                    var state = await alertmanager.ReadAsync(target.Url!, context.RunId, timeout, ct);
                    if (state.SilenceId is null) continue;
                    var at = context.Now;
                    deliveries[i] = deliveries[i] with
                    {
                        AcknowledgedAt = at, AcknowledgedBy = state.SilencedBy ?? "unknown", AckSource = "alertmanager_silence", ReceiverReference = $"silence {state.SilenceId}",
                    };
                    context.Progress($"[game-day] {target.Id} acknowledged: silence {state.SilenceId} by {deliveries[i].AcknowledgedBy}");
                    await context.Steps.RecordAsync(new JobStep($"ack:{target.Id}", "acknowledged", deliveries[i].SentAt!.Value, at, deliveries[i]), ct);
                }
                if (repost) lastPost = context.Now;
            }
            await Task.Delay(options.PollIntervalMs, ct);
        }
    }

    private async Task<int> ResolveAsync(List<GameDayDelivery> deliveries, List<AlertTarget> targets, Dictionary<string, AlertMessage> messages, TimeSpan timeout, JobContext context)
    {
        var started = context.Now;
        var results = new List<Resolution>();
        foreach (var delivery in deliveries.Where(d => d.IsAccepted))
        {
            var target = targets.Single(t => t.Id == delivery.Channel);
            var outcome = await sender.DeliverAsync(target, messages[target.Id] with { Resolve = true, IdempotencyKey = messages[target.Id].IdempotencyKey + ":resolve" }, timeout, context.CancellationToken);
            context.Actions.Record("resolve_alert", $"{target.Channel}:{target.Id}", 1, new { status = outcome.Status });
            results.Add(new Resolution(target.Id, outcome.Status, outcome.ResponseCode, outcome.Error));
        }
        var accepted = results.Count(r => r.Status == DeliveryOutcome.Sent);
        await context.Steps.RecordAsync(new JobStep("resolve", accepted == results.Count ? "resolved" : "partly_resolved", started, context.Now, results), context.CancellationToken);
        return accepted;
    }

    /// <summary>What one channel answered to the resolve of the test alert (the <c>resolve</c> step's detail).</summary>
    private sealed record Resolution(string Channel, string Status, int? ResponseCode, string? Error);

    /// <summary>PagerDuty's Events API answers <c>{"status":"success","dedup_key":"…"}</c>: the key the incident goes by there.</summary>
    private static string? DedupKeyEchoed(string? body)
    {
        try
        {
            return body is not null && JsonNode.Parse(body)?["dedup_key"] is JsonValue key && key.GetValueKind() == JsonValueKind.String ? $"dedup_key {(string)key!}" : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
