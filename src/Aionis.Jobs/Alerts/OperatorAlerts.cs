using System.Text.Json.Nodes;
using Aionis.Data.Alerts;
using Aionis.Data.History;
using Microsoft.Extensions.Logging;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// The worker's own alerts to operators (registry <c>notify:</c>): a run that ends failed, timed out or abandoned after
/// its last attempt (<c>on_failure</c>), a gate verdict (<c>on_gate_failed</c>), and the dead-man switch (overdue tasks).
/// A failing task alerts once per dedupe window; a later success resolves every open episode of the task (PagerDuty
/// <c>resolve</c> with the same dedup key, a "recovered" message elsewhere). The scheduler calls this service.
/// Every notification has an idempotency key derived from its episode (so every node computes the same one) and is
/// claimed per channel before it is sent: two nodes raising the same alert at once send it once, and a notification
/// whose delivery timed out is retried by the next occurrence with the same key.
/// </summary>
public sealed partial class OperatorAlerts(
    OperatorAlertStore store,
    AlertDeliveryClaimStore claims,
    AlertSilenceStore silences,
    OperatorChannelSet channels,
    AlertSender sender,
    TimeProvider clock,
    ILogger<OperatorAlerts> logger)
{
    public static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(8);
    private const int ErrorTextLimit = 1000;

    public async Task RunFinishedAsync(RunFinishedNotice notice, NotifyPolicy policy, CancellationToken cancellationToken)
    {
        if (RunStatus.IsFailure(notice.Status))
        {
            if (policy.OnFailure && notice.Attempt >= notice.MaxAttempts)
            {
                await RaiseAsync(notice.TaskId, OperatorAlertKind.Failure, policy, policy.DedupeWindow, notice, RunAlert(notice), cancellationToken);
            }
        }
        else if (notice.Status == RunStatus.GateFailed)
        {
            if (policy.OnGateFailed)
            {
                await RaiseAsync(notice.TaskId, OperatorAlertKind.GateFailed, policy, policy.DedupeWindow, notice, RunAlert(notice), cancellationToken);
            }
        }
        else if (notice.Status == RunStatus.Succeeded)
        {
            await ResolveAsync(notice.TaskId, OperatorAlertKind.All, policy, $"run {notice.RunId} succeeded", cancellationToken);
        }
    }

    /// <summary>The dead-man switch: alerts once per overdue episode; resolves when the task has succeeded again.</summary>
    public async Task CheckOverdueAsync(IReadOnlyList<OverdueCandidate> tasks, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var task in tasks)
        {
            if ((task.LastSuccessAt ?? task.Since) is not { } reference)
            {
                continue;
            }
            if (task.IsOverdue(now) && task.OverdueAfter is { } overdueAfter)
            {
                var summary = task.LastSuccessAt is { } last
                    ? $"task {task.TaskId} is overdue: last success {IsoTime.Format(last)}, expected within {overdueAfter}"
                    : $"task {task.TaskId} is overdue: no success since {IsoTime.Format(reference)}, expected within {overdueAfter}";
                var payload = new JsonObject
                {
                    ["task_id"] = task.TaskId,
                    ["last_success_at"] = task.LastSuccessAt is { } at ? IsoTime.Format(at) : null,
                    ["expected_period_seconds"] = task.ExpectedPeriod?.TotalSeconds,
                    ["overdue_after_seconds"] = overdueAfter.TotalSeconds,
                };
                await RaiseAsync(task.TaskId, OperatorAlertKind.Overdue, task.Policy, renotifyAfter: null, notice: null,
                    ("job_overdue", summary, payload), cancellationToken);
            }
            else
            {
                await ResolveAsync(task.TaskId, [OperatorAlertKind.Overdue], task.Policy, "succeeded again", cancellationToken);
            }
        }
    }

    private static (string EventType, string Summary, JsonObject Payload) RunAlert(RunFinishedNotice notice)
    {
        var error = notice.Error is { Length: > ErrorTextLimit } long_ ? long_[..ErrorTextLimit] + "…" : notice.Error;
        var eventType = notice.Status == RunStatus.GateFailed ? "job_gate_failed" : "job_failed";
        var summary = $"task {notice.TaskId} ({notice.Job}) {notice.Status} after attempt {notice.Attempt}/{notice.MaxAttempts}"
            + (error is null ? "" : $": {error.Split('\n')[0]}");
        return (eventType, summary, new JsonObject
        {
            ["task_id"] = notice.TaskId,
            ["job"] = notice.Job,
            ["run_id"] = notice.RunId.ToString(),
            ["status"] = notice.Status,
            ["attempt"] = notice.Attempt,
            ["max_attempts"] = notice.MaxAttempts,
            ["error"] = error,
            ["finished_at"] = IsoTime.Format(notice.FinishedAt),
            ["history_command"] = $"aionis history show {notice.RunId}",
        });
    }

    private async Task RaiseAsync(string taskId, string kind, NotifyPolicy policy, TimeSpan? renotifyAfter, RunFinishedNotice? notice,
        (string EventType, string Summary, JsonObject Payload) alert, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var episode = await store.RecordOccurrenceAsync(taskId, kind, policy.Severity, now, notice?.RunId, notice?.Error, renotifyAfter, cancellationToken);
        if (!episode.Due)
        {
            return;
        }
        // Silenced: recorded (the episode, its occurrence and a 'silenced' event) but not sent, and not marked sent, so the
        // first occurrence after the silence ends is sent.
        if (await silences.SilenceIfMatchedAsync(taskId, kind, policy.Severity, now, cancellationToken) is { } silence)
        {
            logger.Silenced(kind, taskId, silence);
            return;
        }
        alert.Payload["occurrences"] = episode.Occurrences;
        alert.Payload["open_since"] = IsoTime.Format(episode.OpenedAt);
        var message = new AlertMessage(alert.EventType, null, policy.Severity, alert.Summary, alert.Payload, episode.DedupKey,
            IdempotencyKey: AlertIdempotency.OperatorKey(episode.DedupKey, episode.OpenedAt, episode.LastSentAt, resolve: false))
        {
            Labels = AlertmanagerLabels(taskId, kind, policy.Severity, notice?.Node),
            StartsAt = episode.OpenedAt,
        };
        if (await SendAsync(message, policy, cancellationToken))
        {
            await store.MarkSentAsync(taskId, kind, now, cancellationToken);
        }
    }

    private async Task ResolveAsync(string taskId, IReadOnlyList<string> kinds, NotifyPolicy policy, string reason, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var episode in await store.ResolveAsync(taskId, kinds, now, reason, cancellationToken))
        {
            if (!episode.Due)
            {
                continue;
            }
            var payload = new JsonObject
            {
                ["task_id"] = taskId,
                ["kind"] = episode.Kind,
                ["open_since"] = IsoTime.Format(episode.OpenedAt),
                ["recovered_at"] = IsoTime.Format(now),
                ["occurrences"] = episode.Occurrences,
            };
            var message = new AlertMessage($"job_{episode.Kind}_recovered", null, episode.Severity,
                $"recovered: task {taskId} {reason} ({episode.Kind} open since {IsoTime.Format(episode.OpenedAt)})",
                payload, episode.DedupKey, Resolve: true,
                IdempotencyKey: AlertIdempotency.OperatorKey(episode.DedupKey, episode.OpenedAt, episode.LastSentAt, resolve: true))
            {
                Labels = AlertmanagerLabels(taskId, episode.Kind, episode.Severity, episode.Node),
                StartsAt = episode.OpenedAt,
            };
            await SendAsync(message, policy, cancellationToken);
        }
    }

    /// <summary>
    /// Alertmanager ends an alert that is not re-posted before its <c>endsAt</c>: every open episode that has alerted is
    /// posted again to the Alertmanager channels its severity routes to (no claim: a re-post changes nothing there, and
    /// every node posting the same labels is one alert). Called every minute by <c>serve</c>.
    /// </summary>
    public async Task RepostOpenAsync(CancellationToken cancellationToken)
    {
        if (channels.Channels.All(c => c.Type != OperatorChannel.Alertmanager)) return;
        foreach (var episode in await store.OpenSentAsync(cancellationToken))
        {
            var payload = new JsonObject
            {
                ["task_id"] = episode.TaskId,
                ["kind"] = episode.Kind,
                ["open_since"] = IsoTime.Format(episode.OpenedAt),
                ["occurrences"] = episode.Occurrences,
                ["last_error"] = episode.LastError is { Length: > ErrorTextLimit } e ? e[..ErrorTextLimit] + "…" : episode.LastError,
            };
            var message = new AlertMessage($"job_{episode.Kind}", null, episode.Severity,
                $"task {episode.TaskId}: {episode.Kind} open since {IsoTime.Format(episode.OpenedAt)} ({episode.Occurrences} occurrence(s))",
                payload, episode.DedupKey)
            {
                Labels = AlertmanagerLabels(episode.TaskId, episode.Kind, episode.Severity, episode.Node),
                StartsAt = episode.OpenedAt,
            };
            foreach (var channel in channels.ForSeverity(episode.Severity).Where(c => c.Type == OperatorChannel.Alertmanager))
            {
                var outcome = await sender.DeliverAsync(channel.ToTarget(), message, DeliveryTimeout, cancellationToken);
                logger.Reposted(outcome.IsSent ? LogLevel.Debug : LogLevel.Warning,
                    episode.TaskId, episode.Kind, channel.Id, outcome.Status, outcome.ResponseCode, outcome.Error);
            }
        }
    }

    /// <summary>The labels that make one Alertmanager alert of an episode; <c>node</c> where its last run ran, when known.</summary>
    private static Dictionary<string, string> AlertmanagerLabels(string taskId, string kind, string severity, string? node)
    {
        var labels = new Dictionary<string, string> { ["alertname"] = $"aionis_task_{kind}", ["task"] = taskId, ["severity"] = severity };
        if (!string.IsNullOrEmpty(node)) labels["node"] = node;
        return labels;
    }

    /// <summary>Sends to the policy's channels; true when at least one took it (a channel another node claimed is left to it).</summary>
    internal async Task<bool> SendAsync(AlertMessage message, NotifyPolicy policy, CancellationToken cancellationToken)
    {
        var targets = policy.Channels.Count > 0 ? channels.Named(policy.Channels) : channels.ForSeverity(policy.Severity);
        if (targets.Count == 0)
        {
            // With no channels at all, serve said so once at start; a routing that leaves a severity out is worth a warning.
            logger.NoChannel(channels.Channels.Count == 0 ? LogLevel.Debug : LogLevel.Warning,
                message.EventType, policy.Severity, string.Join(",", policy.Channels), OperatorChannelSet.RoutingKey);
            return false;
        }
        var anySent = false;
        foreach (var channel in targets)
        {
            var scope = $"operator:{channel.Id}";
            var claimant = Guid.NewGuid();
            var key = message.IdempotencyKey!;
            // A sent notification is never sent again (a reminder or a resolve has a key of its own).
            if (await claims.TryClaimAsync(scope, key, key, claimant, clock.GetUtcNow(), AlertIdempotency.Lease(DeliveryTimeout, sender.Delivery),
                    DateTimeOffset.MinValue, cancellationToken) is null)
            {
                logger.AlreadyClaimed(message.EventType, channel.Id, key);
                continue;
            }
            var outcome = await sender.DeliverAsync(channel.ToTarget(), message, DeliveryTimeout, cancellationToken);
            await claims.FinishAsync(scope, key, claimant, outcome.Status, clock.GetUtcNow(), cancellationToken);
            anySent |= outcome.IsSent;
            logger.Delivered(outcome.IsSent ? LogLevel.Information : LogLevel.Warning,
                message.EventType, channel.Id, channel.Type, outcome.Status, outcome.ResponseCode, outcome.Error);
        }
        return anySent;
    }
}
