using System.CommandLine;
using Aionis.Data.Alerts;
using Aionis.Jobs.Alerts;
using Aionis.Jobs.Framework;
using Aionis.Worker.Running;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Worker.Cli;

/// <summary><c>aionis pause TASK --reason R [--until TIME]</c> and <c>aionis resume TASK</c>: persisted, cluster-wide.</summary>
public static class PauseCommands
{
    /// <summary>A longer maintenance window is a pause without --until (until resumed).</summary>
    private static readonly TimeSpan MaxPause = TimeSpan.FromDays(366);

    public static Command Pause()
    {
        var task = new Argument<string>("task") { Description = "Registry task id" };
        var reason = new Option<string>("--reason") { Description = "Why (recorded in worker.task_pauses; not empty)", Required = true };
        var until = new Option<string?>("--until") { Description = "Resume by itself at this time (ISO-8601, in the future, e.g. 2026-11-24T06:00Z) or after this duration (e.g. 2h)" };
        var command = new Command("pause", "Stop a task from firing until resumed (maintenance windows: --until)") { task, reason, until };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var why = parse.GetValue(reason)!.Trim();
            if (why.Length == 0)
            {
                return RunOutput.Fail(ExitCodes.Usage, "--reason '': say why the task is paused (it is recorded in worker.task_pauses)");
            }
            DateTimeOffset? end = null;
            var now = CliServices.Now(parse);
            if (parse.GetValue(until) is { } text)
            {
                end = CliTime.ParseFutureEnd("--until", text, now, MaxPause, durationOnly: false, out var problem);
                if (end is null) return RunOutput.Fail(ExitCodes.Usage, problem!);
            }
            await using var client = await SchedulerClient.ConnectAsync(parse, cancellationToken);
            try
            {
                await client.Services.GetRequiredService<TaskPauses>().PauseAsync(client.Scheduler, parse.GetValue(task)!, why, end, Operator(client), cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                return RunOutput.Fail(ExitCodes.Usage, e.Message);
            }
            if (end is { } windowEnd)
            {
                // A maintenance window: the task is not expected to succeed until it ends, so its overdue alerts are silenced too.
                await client.Services.GetRequiredService<AlertSilenceStore>().CreateAsync(new SilenceMatch(parse.GetValue(task)!, OperatorAlertKind.Overdue, null),
                    now, windowEnd, Operator(client), $"paused: {why}", cancellationToken);
            }
            Console.Error.WriteLine($"paused {parse.GetValue(task)}{(end is { } e2 ? $" until {e2.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} (its overdue alerts silenced until then)" : " until resumed")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Resume()
    {
        var task = new Argument<string>("task") { Description = "Registry task id" };
        var command = new Command("resume", "Let a paused task fire again") { task };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var client = await SchedulerClient.ConnectAsync(parse, cancellationToken);
            var resumed = await client.Services.GetRequiredService<TaskPauses>().ResumeAsync(client.Scheduler, parse.GetValue(task)!, Operator(client), cancellationToken);
            Console.Error.WriteLine(resumed ? $"resumed {parse.GetValue(task)}" : $"{parse.GetValue(task)} was not paused");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Who paused or resumed: <c>paused_by</c> / <c>resumed_by</c>.</summary>
    private static string Operator(SchedulerClient client) => $"{Environment.UserName}@{client.NodeName}";
}
