using System.CommandLine;
using System.Text.Json;
using Aionis.Jobs.Framework;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Aionis.Worker.Cli;

/// <summary>
/// <c>aionis backfill TASK --from TIME --to TIME [--dry-run] [--max-runs N] [--enqueue] [--json]</c>: every fire time of
/// the task's schedule in the range, oldest first, one at a time, each with its fire time as the job's clock, recorded
/// <c>triggered_by: backfill</c> with the fire time as <c>scheduled_for</c>. The plan is printed before the first run.
/// Jobs that act on the present state (<see cref="TimeDependence.PresentOnly"/>) refuse.
/// </summary>
public static class BackfillCommand
{
    public const string TriggeredBy = "backfill";
    private const int MaxRunsLimit = 1000;

    public static Command Create()
    {
        var task = new Argument<string>("task") { Description = "Registry task id" };
        var from = new Option<string>("--from") { Description = "First fire time to include (ISO-8601, UTC unless it says otherwise)", Required = true };
        var to = new Option<string>("--to") { Description = "Last fire time to include (ISO-8601, not in the future)", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Run each fire time as a dry run" };
        var maxRuns = new Option<int>("--max-runs") { Description = $"Refuse a range with more fire times than this (1..{MaxRunsLimit})", DefaultValueFactory = _ => 100 };
        var enqueue = new Option<bool>("--enqueue") { Description = "Hand each run to the persisted scheduler (any node runs it), the next once it ended" };
        var json = new Option<bool>("--json") { Description = "Print {task_id, plan, runs} as one JSON document at the end" };
        var command = new Command("backfill", "Run every fire time of a task's schedule in a past range, oldest first, each as of its fire time")
        {
            task, from, to, dryRun, maxRuns, enqueue, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var now = CliServices.Now(parse);
            if (!CliTime.TryParseInstant(parse.GetValue(from)!, out var start)) return RunOutput.Fail(ExitCodes.Usage, $"--from '{parse.GetValue(from)}': expected an ISO-8601 time, e.g. 2026-11-24T00:00Z");
            if (!CliTime.TryParseInstant(parse.GetValue(to)!, out var end)) return RunOutput.Fail(ExitCodes.Usage, $"--to '{parse.GetValue(to)}': expected an ISO-8601 time, e.g. 2026-12-01T00:00Z");
            if (end < start) return RunOutput.Fail(ExitCodes.Usage, $"--to '{parse.GetValue(to)}': before --from ({CliTime.Format(start)})");
            if (end > now) return RunOutput.Fail(ExitCodes.Usage, $"--to '{parse.GetValue(to)}': {CliTime.Format(end)} is in the future (now {CliTime.Format(now)}); a backfill fills the past");
            var limit = parse.GetValue(maxRuns);
            if (limit is < 1 or > MaxRunsLimit) return RunOutput.Fail(ExitCodes.Usage, $"--max-runs '{limit}': allowed 1..{MaxRunsLimit}");

            await using var client = await SchedulerClient.ConnectAsync(parse, cancellationToken);
            var runs = ActivatorUtilities.CreateInstance<PersistedTaskRuns>(client.Services, client);
            var id = parse.GetValue(task)!;
            if (await runs.FindAsync(id, cancellationToken) is not { } persisted)
            {
                return RunOutput.Fail(ExitCodes.Usage, $"TASK '{id}': not in the persisted schedule (aionis registry list)");
            }
            if (!JobCatalog.Default.Get(persisted.Job).Backfillable)
            {
                return RunOutput.Fail(ExitCodes.Usage, $"TASK '{id}': job {persisted.Job} acts on the present state, its result cannot depend on a past time; it cannot be backfilled");
            }
            var plan = FireTimes(persisted, start, end, limit + 1);
            if (plan.Count > limit)
            {
                return RunOutput.Fail(ExitCodes.Usage, $"--max-runs '{limit}': the range has more fire times than that; narrow --from/--to or raise --max-runs");
            }
            var dry = parse.GetValue(dryRun);
            Console.Error.WriteLine($"backfill plan: {plan.Count} fire time(s) of {id} ({persisted.Schedule} {persisted.TimeZone}){(dry ? ", dry runs" : "")}");
            foreach (var at in plan) Console.Error.WriteLine($"  {CliTime.Format(at)}");

            var results = new List<object>();
            var exit = ExitCodes.Ok;
            foreach (var at in plan)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (line, code, described) = parse.GetValue(enqueue)
                    ? Enqueued(await runs.EnqueueAndWaitAsync(persisted, new Dictionary<string, object?>(), dry, at, TriggeredBy, cancellationToken))
                    : InProcess(await runs.RunHereAsync(persisted, new Dictionary<string, object?>(), dry, at, TriggeredBy, cancellationToken), at);
                Console.Error.WriteLine($"  {CliTime.Format(at)}  {line}");
                results.Add(described);
                if (exit == ExitCodes.Ok) exit = code;
            }
            var document = new { task_id = id, dry_run = dry, plan, runs = results };
            Console.Out.WriteLine(parse.GetValue(json)
                ? JsonSerializer.Serialize(document, JobJson.Options)
                : $"backfill of {id}: {plan.Count} run(s), {(exit == ExitCodes.Ok ? "all ok" : $"first failing exit code {exit}")}");
            return exit;
        });
        return command;
    }

    private static (string Line, int Code, object Described) Enqueued(Data.Model.JobRun run) =>
        ($"run {run.RunId} {run.Status} on {run.Node}", run.ExitCode ?? ExitCodes.RuntimeError, PersistedTaskRuns.Describe(run));

    private static (string Line, int Code, object Described) InProcess(RunResult result, DateTimeOffset at) =>
        ($"run {result.RunId} {result.Status}", result.ExitCode,
            new { run_id = result.RunId, scheduled_for = at, status = result.Status, exit_code = result.ExitCode, ok = result.Ok, error = result.Error });

    /// <summary>The schedule's fire times in [start, end], oldest first, at most <paramref name="count"/>.</summary>
    private static List<DateTimeOffset> FireTimes(Scheduling.TaskDefinition task, DateTimeOffset start, DateTimeOffset end, int count)
    {
        var cron = new CronExpression(task.QuartzCron, TimeZoneInfo.FindSystemTimeZoneById(task.TimeZone));
        var times = new List<DateTimeOffset>();
        // GetNextValidTimeAfter is exclusive: a fire at exactly --from is included.
        for (var at = cron.GetNextValidTimeAfter(start.AddTicks(-1)); at is { } next && next <= end && times.Count < count; at = cron.GetNextValidTimeAfter(next))
        {
            times.Add(next);
        }
        return times;
    }
}
