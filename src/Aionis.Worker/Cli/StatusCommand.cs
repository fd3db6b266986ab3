using System.CommandLine;
using System.Text;
using System.Text.Json;
using Aionis.Data.Controls;
using Aionis.Jobs.Framework;
using Aionis.Jobs.Publishing;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Aionis.Worker.Cli;

/// <summary>
/// <c>aionis status [--json] [--strict]</c>: the cluster at a glance, from the database alone, so it works on any host
/// and with no node running (it says so). <c>--strict</c> exits 2 when no node is alive, a task is overdue or failing,
/// or an operator alert is open.
/// </summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the status as one JSON document" };
        var strict = new Option<bool>("--strict") { Description = "Exit 2 when no node is alive, a task is overdue or failing, or an alert is open" };
        var command = new Command("status", """
            The cluster at a glance: nodes (alive or dead, version, runs), runs in flight (elapsed against the task's p95 and
            timeout), queued runs, the next 10 fires, failing, paused and overdue tasks, open operator alerts, the publish queue
            """) { json, strict };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var services = CliServices.Build(parse);
            var status = await ActivatorUtilities.CreateInstance<ClusterStatusStore>(services).ReadAsync(services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
            var queue = await PublishQueueAsync(services.GetRequiredService<PublishQueue>(), cancellationToken);
            var problems = Problems(status);
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    ok = problems.Count == 0,
                    problems,
                    at = status.At,
                    nodes_alive = status.Nodes.Count(n => n.Alive),
                    status.Nodes,
                    status.Running,
                    status.Queued,
                    next_fires = status.NextFires,
                    status.Failing,
                    status.Paused,
                    status.Overdue,
                    open_alerts = status.OpenAlerts,
                    publish_queue = queue,
                }, JobJson.Options));
            }
            else
            {
                Console.Out.Write(Render(status, queue, problems));
            }
            return parse.GetValue(strict) && problems.Count > 0 ? ExitCodes.GateFailed : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>What <c>--strict</c> fails on, one line each.</summary>
    private static List<string> Problems(ClusterStatus status)
    {
        var problems = new List<string>();
        if (!status.Nodes.Any(n => n.Alive)) problems.Add("no node is alive: nothing fires until 'aionis serve' runs");
        problems.AddRange(status.Overdue.Select(o => $"task {o.TaskId} is overdue"));
        problems.AddRange(status.Failing.Select(f => $"task {f.TaskId} last run {f.Status}"));
        if (status.OpenAlerts.Count > 0) problems.Add($"{status.OpenAlerts.Count} operator alert(s) open");
        return problems;
    }

    /// <summary>The control-plane queue; null on a database without the control-plane tables.</summary>
    private static async Task<PublishQueueDepth?> PublishQueueAsync(PublishQueue queue, CancellationToken cancellationToken)
    {
        try
        {
            return await queue.ReadDepthAsync(cancellationToken);
        }
        catch (PostgresException e) when (PostgresFailures.IsUndefinedTable(e))
        {
            return null;
        }
    }

    private static string Render(ClusterStatus s, PublishQueueDepth? queue, List<string> problems)
    {
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        void Section(string title, int count) => Line($"\n{title} ({count})");
        Line($"aionis status at {Time(s.At)}: {s.Nodes.Count(n => n.Alive)} of {s.Nodes.Count} node(s) alive, {s.Running.Count} run(s) in flight");
        if (!s.Nodes.Any(n => n.Alive))
        {
            Line("no node is running: read from the database; nothing fires until 'aionis serve' runs");
        }
        Section("nodes", s.Nodes.Count);
        foreach (var n in s.Nodes)
        {
            var state = n.Alive ? "alive" : n.StoppedAt is not null ? "stopped" : "DEAD";
            Line($"  {n.Node,-16} {state,-7} last check-in {Ago(s.At, n.LastSeenAt)} ago  v{n.Version}  {n.Host}  started {Time(n.StartedAt)}  runs {n.RunsInFlight}");
        }
        Section("running", s.Running.Count);
        foreach (var r in s.Running)
        {
            var p95 = r.P95Seconds is { } p ? Seconds(p) : "-";
            var timeout = r.TimeoutSeconds is { } t ? Seconds(t) : "-";
            Line($"  {r.TaskId ?? r.Job,-24} {r.RunId}  {r.Node}  started {Time(r.StartedAt)}  elapsed {Seconds(r.ElapsedSeconds)} (p95 {p95}, timeout {timeout})"
                + (r.DryRun ? "  dry run" : "") + (r.CancelRequested ? "  CANCEL REQUESTED" : "") + $"  by {r.TriggeredBy}");
        }
        Section("queued, not started", s.Queued.Count);
        foreach (var q in s.Queued) Line($"  {q.TaskId,-24} {q.Kind,-8} due {Time(q.DueAt)}  by {q.TriggeredBy ?? q.Kind}");
        Section("next fires", s.NextFires.Count);
        foreach (var f in s.NextFires) Line($"  {Time(f.At)}  {f.TaskId}");
        Section("failing (last live run)", s.Failing.Count);
        foreach (var f in s.Failing) Line($"  {f.TaskId,-24} {f.Status,-11} {Time(f.At)}  run {f.RunId}  {FirstLine(f.Error)}");
        Section("paused", s.Paused.Count);
        foreach (var p in s.Paused) Line($"  {p.TaskId,-24} until {(p.Until is { } u ? Time(u) : "resumed")}  by {p.PausedBy ?? "-"}: {p.Reason}");
        Section("overdue", s.Overdue.Count);
        foreach (var o in s.Overdue) Line($"  {o.TaskId,-24} {o.Why}");
        Section("open operator alerts", s.OpenAlerts.Count);
        foreach (var a in s.OpenAlerts)
        {
            Line($"  #{a.Id,-5} {a.TaskId,-24} {a.Kind,-12} {a.Severity,-8} since {Time(a.OpenedAt)}  x{a.Occurrences}"
                + (a.AcknowledgedBy is { } by ? $"  acked by {by}" : ""));
        }
        Line(queue is { } depth
            ? $"\npublish queue: {depth.Open} open, {depth.DeadLetter} dead letter(s)"
            : "\npublish queue: no control-plane tables in this database");
        Line(problems.Count == 0 ? "\nverdict: ok" : $"\nverdict: not ok: {string.Join("; ", problems)}");
        return text.ToString();
    }

    private static string Time(DateTimeOffset at) => CliTime.Format(at);

    private static string Ago(DateTimeOffset now, DateTimeOffset at) => Seconds(Math.Max(0, (now - at).TotalSeconds));

    private static string Seconds(double seconds) => DurationText.Format(TimeSpan.FromSeconds(Math.Round(seconds)));

    private static string FirstLine(string? error) => error?.Split('\n')[0] is { Length: > 100 } long_ ? long_[..100] + "…" : error?.Split('\n')[0] ?? "";
}
