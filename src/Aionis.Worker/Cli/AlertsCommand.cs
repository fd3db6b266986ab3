using System.CommandLine;
using System.Text.Json;
using Aionis.Data.Alerts;
using Aionis.Jobs.Alerts;
using Aionis.Jobs.Framework;
using Aionis.Worker.Running;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Aionis.Worker.Cli;

/// <summary>
/// <c>aionis alerts list|ack|silence|silences|unsilence</c>: the operator alerts of the worker (registry <c>notify:</c>,
/// the dead-man switch, a rejected registry), acknowledged and silenced from any host with the database. Who did it is
/// recorded as <c>cli:user@host</c>.
/// </summary>
public static class AlertsCommand
{
    private static readonly TimeSpan MaxSilence = TimeSpan.FromDays(366);

    public static Command Create()
    {
        var command = new Command("alerts", "Operator alerts: list them, acknowledge one, silence matching ones for a while");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Ack());
        command.Subcommands.Add(Silence());
        command.Subcommands.Add(Silences());
        command.Subcommands.Add(Unsilence());
        return command;
    }

    private static Option<bool> Json() => new("--json") { Description = "Print JSON instead of lines" };

    private static Command List()
    {
        var open = new Option<bool>("--open") { Description = "Only open alerts (not resolved)" };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first (1..1000)", DefaultValueFactory = _ => 50 };
        var json = Json();
        var command = new Command("list", "Operator alert episodes, newest first: id, task, kind, severity, occurrences, acknowledged, resolved") { open, limit, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(limit) is < 1 or > 1000) return RunOutput.Fail(ExitCodes.Usage, $"--limit '{parse.GetValue(limit)}': allowed 1..1000");
            using var services = CliServices.Build(parse);
            var alerts = await services.GetRequiredService<OperatorAlertLedger>().ListAsync(parse.GetValue(open), parse.GetValue(limit), cancellationToken);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(alerts, JobJson.Options));
                return ExitCodes.Ok;
            }
            foreach (var a in alerts)
            {
                var state = a.ResolvedAt is { } resolved ? $"resolved {CliTime.Format(resolved)}" : a.AcknowledgedBy is { } by ? $"acked by {by}" : "OPEN";
                Console.Out.WriteLine($"#{a.Id,-5} {a.TaskId,-24} {a.Kind,-12} {a.Severity,-8} since {CliTime.Format(a.OpenedAt)}  x{a.Occurrences}  {state}"
                    + (a.LastError is { } e ? $"  {e.Split('\n')[0]}" : ""));
            }
            if (alerts.Count == 0) Console.Error.WriteLine(parse.GetValue(open) ? "no open operator alerts" : "no operator alerts");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Ack()
    {
        var id = new Argument<long>("alert-id") { Description = "The alert's id (aionis alerts list)" };
        var comment = new Option<string?>("--comment") { Description = "A note for the others on call (recorded, sent with the acknowledgement)" };
        var json = Json();
        var command = new Command("ack", "Acknowledge an open alert: no more repeats; PagerDuty gets 'acknowledge' with the same dedup_key") { id, comment, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var client = await SchedulerClient.ConnectAsync(parse, cancellationToken);
            var ledger = client.Services.GetRequiredService<OperatorAlertLedger>();
            var alertId = parse.GetValue(id);
            var note = parse.GetValue(comment)?.Trim() is { Length: > 0 } c ? c : null;
            if (await ledger.AcknowledgeAsync(alertId, CliRunIdentity.TriggeredBy, note, client.Services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken) is not { } acked)
            {
                var existing = await ledger.GetAsync(alertId, cancellationToken);
                return RunOutput.Fail(ExitCodes.Usage, existing switch
                {
                    null => $"ALERT_ID '{alertId}': no such operator alert (aionis alerts list shows them)",
                    { ResolvedAt: { } at } => $"ALERT_ID '{alertId}': the alert was resolved at {CliTime.Format(at)}; nothing to acknowledge",
                    _ => $"ALERT_ID '{alertId}': already acknowledged by {existing.AcknowledgedBy} at {CliTime.Format(existing.AcknowledgedAt!.Value)}",
                });
            }
            // Only the channels that were told of the alert hear of the acknowledgement.
            var sent = acked.LastSentAt is not null
                && await client.Services.GetRequiredService<OperatorAlerts>().AcknowledgedAsync(acked, await ChannelsOfAsync(client, acked.TaskId, cancellationToken), cancellationToken);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new { alert = acked, acknowledgement_sent = sent }, JobJson.Options));
            }
            else
            {
                Console.Out.WriteLine($"acknowledged #{acked.Id} ({acked.TaskId} {acked.Kind}) as {acked.AcknowledgedBy}; "
                    + (sent ? "the channels were told" : "no channel was told (never sent, or no channel took it)"));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The task's <c>notify.channels</c> from its persisted definition; empty: the severity's routing.</summary>
    private static async Task<IReadOnlyList<string>> ChannelsOfAsync(SchedulerClient client, string taskId, CancellationToken cancellationToken) =>
        await client.Scheduler.GetJobDetail(ScheduleKeys.Job(taskId), cancellationToken) is { } job
            ? TaskDefinition.Of(job).Notify.Channels
            : [];

    private static Command Silence()
    {
        var match = new Option<string[]>("--match")
        {
            Description = "task=ID, kind=failure|gate_failed|overdue|registry_rejected or severity=warning|critical (repeatable, comma-separated; all must match)",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var forOption = new Option<string?>("--for") { Description = "How long, e.g. 2h (at most 366d)" };
        var until = new Option<string?>("--until") { Description = "Until this time (ISO-8601, in the future)" };
        var comment = new Option<string>("--comment") { Description = "Why (required, recorded)", Required = true };
        var json = Json();
        var command = new Command("silence", "Record but do not send matching operator alerts for a while (--for or --until)") { match, forOption, until, comment, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var services = CliServices.Build(parse);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            if (ParseMatch(parse.GetValue(match) ?? [], out var problem) is not { } silenceMatch) return RunOutput.Fail(ExitCodes.Usage, problem!);
            var why = parse.GetValue(comment)!.Trim();
            if (why.Length == 0) return RunOutput.Fail(ExitCodes.Usage, "--comment '': say why the alerts are silenced (it is recorded)");
            DateTimeOffset? end = (parse.GetValue(forOption), parse.GetValue(until)) switch
            {
                ({ } d, null) => CliTime.ParseFutureEnd("--for", d, now, MaxSilence, durationOnly: true, out problem),
                (null, { } t) => CliTime.ParseFutureEnd("--until", t, now, MaxSilence, durationOnly: false, out problem),
                _ => null,
            };
            if (end is null) return RunOutput.Fail(ExitCodes.Usage, problem ?? "give exactly one of --for DURATION or --until TIME");
            var id = await services.GetRequiredService<AlertSilenceStore>().CreateAsync(silenceMatch, now, end.Value, CliRunIdentity.TriggeredBy, why, cancellationToken);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new { id, match = silenceMatch.ToString(), starts_at = now, ends_at = end, created_by = CliRunIdentity.TriggeredBy, comment = why },
                    JobJson.Options));
            }
            else
            {
                Console.Out.WriteLine($"silence #{id}: {silenceMatch} until {CliTime.Format(end.Value)} ({why})");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>--match</c> values into one match; null with a one-line problem.</summary>
    private static SilenceMatch? ParseMatch(IEnumerable<string> values, out string? problem)
    {
        problem = null;
        string? task = null, kind = null, severity = null;
        foreach (var pair in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var at = pair.IndexOf('=');
            var (key, value) = at > 0 ? (pair[..at].Trim(), pair[(at + 1)..].Trim()) : (pair, "");
            switch (key)
            {
                case "task" when value.Length > 0: task = value; break;
                case "kind" when OperatorAlertKind.All.Contains(value) || value == OperatorAlerts.RegistryRejectedKind: kind = value; break;
                case "severity" when AlertSeverity.All.Contains(value): severity = value; break;
                default:
                    problem = $"--match '{pair}': expected task=ID, kind={string.Join("|", OperatorAlertKind.All.Append(OperatorAlerts.RegistryRejectedKind))} "
                        + $"or severity={string.Join("|", AlertSeverity.All)}";
                    return null;
            }
        }
        if (task is null && kind is null && severity is null)
        {
            problem = "--match: give at least one of task=ID, kind=KIND, severity=SEVERITY";
            return null;
        }
        return new SilenceMatch(task, kind, severity);
    }

    private static Command Silences()
    {
        var all = new Option<bool>("--all") { Description = "Also ended and expired silences (history)" };
        var json = Json();
        var command = new Command("silences", "The silences in force (--all: every silence, expired and ended ones too)") { all, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var services = CliServices.Build(parse);
            var silences = await services.GetRequiredService<AlertSilenceStore>().ListAsync(parse.GetValue(all), services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(silences.Select(s => new
                {
                    s.Id, match = s.Match.ToString(), s.StartsAt, s.EndsAt, s.CreatedBy, s.Comment, s.EndedAt, s.EndedBy, s.Active,
                }), JobJson.Options));
                return ExitCodes.Ok;
            }
            foreach (var s in silences)
            {
                var state = s.Active ? "active" : s.EndedAt is { } ended ? $"ended {CliTime.Format(ended)} by {s.EndedBy}" : "expired";
                Console.Out.WriteLine($"#{s.Id,-4} {s.Match,-40} {CliTime.Format(s.StartsAt)} .. {CliTime.Format(s.EndsAt)}  {state}  by {s.CreatedBy}: {s.Comment}");
            }
            if (silences.Count == 0) Console.Error.WriteLine("no silences");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Unsilence()
    {
        var id = new Argument<long>("silence-id") { Description = "The silence's id (aionis alerts silences)" };
        var command = new Command("unsilence", "End a silence now (the row stays in history)") { id };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var services = CliServices.Build(parse);
            var silenceId = parse.GetValue(id);
            if (!await services.GetRequiredService<AlertSilenceStore>().EndAsync(silenceId, CliRunIdentity.TriggeredBy, services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken))
            {
                return RunOutput.Fail(ExitCodes.Usage, $"SILENCE_ID '{silenceId}': no silence in force with this id (aionis alerts silences --all)");
            }
            Console.Out.WriteLine($"silence #{silenceId} ended");
            return ExitCodes.Ok;
        });
        return command;
    }
}
