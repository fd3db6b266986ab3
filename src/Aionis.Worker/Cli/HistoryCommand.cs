using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Aionis.Data.History;
using Aionis.Data.Model;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Worker.Cli;

/// <summary><c>aionis history [--task T] [--status S] [--since 24h] [--limit N] [--json]</c> and <c>aionis history show RUN_ID</c>.</summary>
public static class HistoryCommand
{
    public static Command Create()
    {
        var task = new Option<string?>("--task") { Description = "Only runs of this registry task" };
        var job = new Option<string?>("--job") { Description = "Only runs of this job type" };
        var status = new Option<string?>("--status") { Description = $"Only runs with this status ({string.Join(", ", RunStatus.All)})" };
        var since = new Option<string?>("--since") { Description = "Only runs started within this duration (e.g. 24h, 7d)" };
        var limit = new Option<string>("--limit") { Description = "Most rows to show [1..10000]", DefaultValueFactory = _ => "50" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("history", "Read the run history (worker.job_runs)") { task, job, status, since, limit, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!int.TryParse(parse.GetValue(limit), NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max is < 1 or > 10000)
            {
                return Usage($"--limit '{parse.GetValue(limit)}': expected a whole number in 1..10000");
            }
            if (parse.GetValue(status) is { } s && !RunStatus.All.Contains(s))
            {
                return Usage($"--status '{s}': allowed {string.Join(", ", RunStatus.All)}");
            }
            TimeSpan? window = null;
            if (parse.GetValue(since) is { } text)
            {
                if (!DurationText.TryParse(text, out var span) || span > MaxSince)
                {
                    return Usage($"--since '{text}': expected a duration like 30m, 24h, 7d, at most {DurationText.Format(MaxSince)}");
                }
                window = span;
            }
            return await WithStoreAsync(parse, async (store, clock) =>
            {
                var from = clock.GetUtcNow() - window;
                var runs = await store.ListAsync(new RunQuery(parse.GetValue(task), parse.GetValue(status), from, parse.GetValue(job), max), cancellationToken);
                if (runs.Count == 0 && parse.GetValue(task) is { } taskId && !await store.TaskKnownAsync(taskId, cancellationToken))
                {
                    return Usage($"--task '{taskId}': no such task (not in the schedule and no runs on record)");
                }
                if (parse.GetValue(json))
                {
                    Console.Out.WriteLine(new JsonArray(runs.Select(r => (JsonNode?)ToJson(r)).ToArray()).ToJsonString(JobJson.Options));
                }
                else
                {
                    PrintTable(runs);
                }
                return ExitCodes.Ok;
            });
        });

        var runId = new Argument<string>("run-id") { Description = "The run's id (from aionis history)" };
        var showJson = new Option<bool>("--json") { Description = "Print JSON (what show prints; accepted like on history)" };
        var show = new Command("show", "One run in full as JSON: inputs, summary, planned actions, steps, error, who triggered it and its log lines")
        {
            runId, showJson,
        };
        show.SetAction(async (parse, cancellationToken) =>
        {
            if (!Guid.TryParse(parse.GetValue(runId), out var id)) return Usage($"run-id '{parse.GetValue(runId)}': expected a UUID");
            return await WithStoreAsync(parse, async store =>
            {
                var run = await store.GetAsync(id, cancellationToken);
                if (run is null)
                {
                    Console.Error.WriteLine($"aionis history show: no run {id}");
                    return ExitCodes.RuntimeError;
                }
                var node = ToJson(run);
                node["logs"] = new JsonArray((await store.LogsAsync(id, cancellationToken)).Select(l => (JsonNode?)new JsonObject
                {
                    ["seq"] = l.Seq,
                    ["logged_at"] = l.LoggedAt.UtcDateTime.ToString(UtcTimestampConverter.Format),
                    ["level"] = l.Level,
                    ["message"] = l.Message,
                }).ToArray());
                Console.Out.WriteLine(node.ToJsonString(JobJson.Options));
                return ExitCodes.Ok;
            });
        });
        command.Subcommands.Add(show);
        return command;
    }

    /// <summary>Ten years: history is never kept longer, and any longer window is a typo.</summary>
    private static readonly TimeSpan MaxSince = TimeSpan.FromDays(3650);

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"aionis history: {message}");
        return ExitCodes.Usage;
    }

    private static Task<int> WithStoreAsync(ParseResult parse, Func<RunHistoryStore, Task<int>> action) =>
        WithStoreAsync(parse, (store, _) => action(store));

    /// <param name="action">Gets the store and the worker's clock (the one every "now" of a command comes from).</param>
    private static async Task<int> WithStoreAsync(ParseResult parse, Func<RunHistoryStore, TimeProvider, Task<int>> action)
    {
        using var services = CliServices.Build(parse);
        var store = services.GetService<RunHistoryStore>();
        if (store is null) return RunOutput.Fail(ExitCodes.Usage, new DatabaseNotConfiguredException().Message);
        try
        {
            return await action(store, services.GetRequiredService<TimeProvider>());
        }
        catch (Exception e) when (PostgresFailures.IsUnreachable(e))
        {
            return RunOutput.Fail(ExitCodes.DatabaseUnavailable, $"could not reach the database: {e.Message}");
        }
    }

    private static void PrintTable(IReadOnlyList<JobRun> runs)
    {
        Console.Out.WriteLine($"{"started (UTC)",-20} {"task / job",-34} {"trigger",-9} {"status",-11} {"ok",-5} {"exit",4} {"duration",9} {"node",-14} run_id");
        foreach (var r in runs)
        {
            var name = r.TaskId ?? $"({r.Job})";
            var duration = r.DurationMs is { } ms ? $"{ms / 1000.0:0.0}s" : "";
            var dry = r.DryRun ? "*" : "";
            Console.Out.WriteLine(
                $"{r.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {Cut(name + dry, 34),-34} {r.Trigger,-9} {r.Status,-11} {Ok(r.Ok),-5} {r.ExitCode,4} {duration,9} {Cut(r.Node, 14),-14} {r.RunId}");
        }
        Console.Out.WriteLine($"{runs.Count} run(s); * = dry run");

        static string Ok(bool? ok) => ok switch { true => "yes", false => "no", null => "-" };
        static string Cut(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
    }

    private static JsonObject ToJson(JobRun r)
    {
        JsonNode? Parse(string? json) => json is null ? null : JsonNode.Parse(json);
        var node = new JsonObject
        {
            ["run_id"] = r.RunId.ToString(),
            ["task_id"] = r.TaskId,
            ["job"] = r.Job,
            ["trigger"] = r.Trigger,
            ["triggered_by"] = r.TriggeredBy,
            ["dry_run"] = r.DryRun,
            ["status"] = r.Status,
            ["ok"] = r.Ok,
            ["exit_code"] = r.ExitCode,
            ["scheduled_for"] = r.ScheduledFor?.UtcDateTime.ToString(UtcTimestampConverter.Format),
            ["started_at"] = r.StartedAt.UtcDateTime.ToString(UtcTimestampConverter.Format),
            ["finished_at"] = r.FinishedAt?.UtcDateTime.ToString(UtcTimestampConverter.Format),
            ["duration_ms"] = r.DurationMs,
            ["node"] = r.Node,
            ["attempt"] = r.Attempt,
            ["tenant_id"] = r.TenantId,
            ["inputs"] = Parse(r.Inputs),
            ["summary"] = Parse(r.Summary),
            ["planned_actions"] = Parse(r.PlannedActions),
            ["artifacts"] = Parse(r.Artifacts),
            ["error"] = r.Error,
            ["trace_id"] = r.TraceId,
            ["registry_hash"] = r.RegistryHash,
        };
        if (r.Steps.Count > 0)
        {
            node["steps"] = new JsonArray(r.Steps.Select(s => (JsonNode?)new JsonObject
            {
                ["seq"] = s.Seq,
                ["name"] = s.Name,
                ["status"] = s.Status,
                ["started_at"] = s.StartedAt.UtcDateTime.ToString(UtcTimestampConverter.Format),
                ["finished_at"] = s.FinishedAt?.UtcDateTime.ToString(UtcTimestampConverter.Format),
                ["detail"] = Parse(s.Detail),
            }).ToArray());
        }
        return node;
    }
}
