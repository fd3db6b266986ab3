using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aionis.Data.History;
using Aionis.Data.Model;
using Aionis.Jobs.Framework;
using Aionis.Worker.Running;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Worker.Cli;

/// <summary>
/// <c>aionis rerun RUN_ID [--dry-run] [--enqueue] [--json]</c>: the same task with the same inputs (the original run's,
/// secret ones from the task's own settings) and the same logical time (its <c>scheduled_for</c>, else its start), as a
/// new run recorded <c>triggered_by: rerun:&lt;id&gt;</c>.
/// </summary>
public static class RerunCommand
{
    public static Command Create()
    {
        var runId = new Argument<string>("run-id") { Description = "The run to repeat (aionis history shows run ids)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Run it as a dry run (reads everything, changes nothing)" };
        var enqueue = new Option<bool>("--enqueue") { Description = "Hand it to the persisted scheduler (any node runs it) and wait for it to end" };
        var json = new Option<bool>("--json") { Description = "Print {run_id, status, exit_code, scheduled_for, triggered_by, summary}" };
        var command = new Command("rerun", "Run a past run's task again with its inputs and its logical time (scheduled_for)") { runId, dryRun, enqueue, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(runId)!;
            if (!Guid.TryParse(text, out var id))
            {
                return RunOutput.Fail(ExitCodes.Usage, $"RUN_ID '{text}': expected a run id (a UUID, as aionis history shows)");
            }
            await using var client = await SchedulerClient.ConnectAsync(parse, cancellationToken);
            var original = await client.Services.GetRequiredService<RunHistoryStore>().GetAsync(id, cancellationToken);
            if (original is null) return RunOutput.Fail(ExitCodes.Usage, $"RUN_ID '{id}': no such run in worker.job_runs");
            if (original.TaskId is null) return RunOutput.Fail(ExitCodes.Usage, $"RUN_ID '{id}': an 'aionis job' run of {original.Job}, not of a registry task; run the job again with its options");
            if (original.Status == RunStatus.Running) return RunOutput.Fail(ExitCodes.Usage, $"RUN_ID '{id}': the run is still running; wait for it or 'aionis cancel' it");
            var runs = ActivatorUtilities.CreateInstance<PersistedTaskRuns>(client.Services, client);
            if (await runs.FindAsync(original.TaskId, cancellationToken) is not { } task)
            {
                return RunOutput.Fail(ExitCodes.Usage, $"RUN_ID '{id}': task '{original.TaskId}' is no longer in the persisted schedule");
            }
            var inputs = TaskInputs.OfRecordedRun(original.Inputs);
            var logical = original.ScheduledFor ?? original.StartedAt;
            var by = $"rerun:{id}";
            var dry = parse.GetValue(dryRun) || original.DryRun;
            Console.Error.WriteLine($"rerun of {id} ({task.Id}) as of {CliTime.Format(logical)}{(dry ? ", dry run" : "")}");
            if (parse.GetValue(enqueue))
            {
                var run = await runs.EnqueueAndWaitAsync(task, inputs, dry, logical, by, cancellationToken);
                Console.Out.WriteLine(JsonSerializer.Serialize(PersistedTaskRuns.Describe(run), JobJson.Options));
                return run.ExitCode ?? ExitCodes.RuntimeError;
            }
            RunResult result;
            try
            {
                result = await runs.RunHereAsync(task, inputs, dry, logical, by, cancellationToken);
            }
            catch (OptionBindingException e)
            {
                return RunOutput.OptionErrors(task.Id, e);
            }
            return parse.GetValue(json) ? RunOutput.PrintJson(result, task.Id) : RunOutput.Print(result);
        });
        return command;
    }
}
