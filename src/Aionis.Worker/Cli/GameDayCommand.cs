using System.CommandLine;
using System.Text.Json;
using Aionis.Jobs.Framework;
using Aionis.Jobs.Reports.GameDay;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Worker.Cli;

/// <summary>
/// <c>aionis game-day ack|show</c>: what people add to a game-day drill after the job ran. <c>ack</c> records that a
/// step was acknowledged (or the service restored) and when, as <c>cli:user@host</c>; <c>show</c> prints the drill's
/// report again with every acknowledgement recorded so far, its times judged as of now.
/// </summary>
public static class GameDayCommand
{
    public static Command Create()
    {
        var command = new Command("game-day", "Game-day drills after the run: record a person's acknowledgement, show the report with it");
        command.Subcommands.Add(Ack());
        command.Subcommands.Add(Show());
        return command;
    }

    private static Argument<string> RunId() => new("run-id") { Description = "The game-day run (printed by the job; aionis history --job game-day)" };

    private static Option<bool> Json() => new("--json") { Description = "Print the drill's summary as JSON instead of its Markdown report" };

    private static Command Ack()
    {
        var runId = RunId();
        var step = new Option<string>("--step") { Description = "alert:<channel> (that channel's alert acknowledged) or restore (the service restored)", Required = true };
        var at = new Option<string?>("--at") { Description = "When it happened (ISO-8601, UTC unless it says otherwise; default now), not before the alert went out" };
        var comment = new Option<string?>("--comment") { Description = "A note (recorded)" };
        var json = Json();
        var command = new Command("ack", "Record that a person acknowledged a step of a game-day drill (or restored the service), with who and when") { runId, step, at, comment, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (ParseRunId(parse.GetValue(runId)!, out var id) is { } bad) return RunOutput.Fail(ExitCodes.Usage, bad);
            using var services = CliServices.Build(parse);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var when = now;
            if (parse.GetValue(at) is { } text && !CliTime.TryParseInstant(text, out when))
            {
                return RunOutput.Fail(ExitCodes.Usage, $"--at '{text}': expected an ISO-8601 time, e.g. {CliTime.Format(now)}");
            }
            var note = parse.GetValue(comment)?.Trim() is { Length: > 0 } c ? c : null;
            var (drill, problem) = await services.GetRequiredService<GameDayRuns>()
                .AcknowledgeAsync(id, parse.GetValue(step)!.Trim(), when, CliRunIdentity.TriggeredBy, note, cancellationToken);
            if (drill is null) return RunOutput.Fail(ExitCodes.Usage, problem!);
            if (parse.GetValue(json)) Console.Out.WriteLine(JsonSerializer.Serialize(drill, JobJson.Options));
            else
            {
                Console.Out.WriteLine($"recorded {parse.GetValue(step)} of run {id} at {CliTime.Format(when)} as {CliRunIdentity.TriggeredBy}; "
                    + $"time to acknowledge {Verdict(drill.TimeToAcknowledge)}, time to restore {Verdict(drill.TimeToRestore)}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show()
    {
        var runId = RunId();
        var json = Json();
        var command = new Command("show", "A game-day drill's report (Markdown) with every acknowledgement recorded so far, its times judged as of now") { runId, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (ParseRunId(parse.GetValue(runId)!, out var id) is { } bad) return RunOutput.Fail(ExitCodes.Usage, bad);
            using var services = CliServices.Build(parse);
            var (drill, problem) = await services.GetRequiredService<GameDayRuns>().GetAsync(id, cancellationToken);
            if (drill is null) return RunOutput.Fail(ExitCodes.Usage, problem!);
            Console.Out.Write(parse.GetValue(json) ? JsonSerializer.Serialize(drill, JobJson.Options) + "\n" : GameDayMarkdown.Render(drill));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string? ParseRunId(string text, out Guid id) =>
        Guid.TryParse(text, out id) ? null : $"RUN_ID '{text}': expected a run id (a UUID, as the job and aionis history print)";

    private static string Verdict(GameDayMeasure measure) =>
        measure.Seconds is { } s ? $"{s.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} s ({measure.Verdict})" : measure.Verdict;
}
