using System.CommandLine;
using System.Text.Json;
using Aionis.Data.Controls;
using Aionis.Data.History;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aionis.Worker.Cli;

/// <summary>
/// <c>aionis cancel RUN_ID [--reason R] [--json]</c>: records a cancellation request (<c>worker.run_cancellations</c>,
/// who and why); the node running the run polls for it within a second or two and fires the job's cancellation token,
/// and the run ends <c>cancelled</c>. A job that ignores it is abandoned by its node after <c>Worker:ShutdownGrace</c>.
/// The command waits for the run to end (at most the grace and <see cref="Slack"/>) and prints how it ended.
/// </summary>
public static class CancelCommand
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(15);

    public static Command Create()
    {
        var runId = new Argument<string>("run-id") { Description = "The run to cancel (aionis status and aionis history show run ids)" };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded with the request and in the run's error)" };
        var json = new Option<bool>("--json") { Description = "Print {run_id, status, requested_by, reason, error} as JSON" };
        var command = new Command("cancel", "Cancel a running run on whichever node runs it (recorded with who asked and why)") { runId, reason, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(runId)!;
            if (!Guid.TryParse(text, out var id))
            {
                return RunOutput.Fail(ExitCodes.Usage, $"RUN_ID '{text}': expected a run id (a UUID, as aionis status and aionis history show)");
            }
            using var services = CliServices.Build(parse);
            var by = CliRunIdentity.TriggeredBy;
            var why = parse.GetValue(reason)?.Trim() is { Length: > 0 } r ? r : null;
            var request = await ActivatorUtilities.CreateInstance<RunCancellationStore>(services).RequestAsync(id, by, why, services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
            if (request is null)
            {
                return RunOutput.Fail(ExitCodes.Usage, $"RUN_ID '{id}': no such run in worker.job_runs");
            }
            if (request.Status != RunStatus.Running)
            {
                return RunOutput.Fail(ExitCodes.Usage, $"RUN_ID '{id}': the run already ended ({request.Status}); only a running run can be cancelled");
            }
            Console.Error.WriteLine(request.Requested
                ? $"aionis cancel: requested cancellation of run {id} on node {request.Node}; waiting for it to end"
                : $"aionis cancel: run {id} already has a cancellation request (by {request.RequestedBy}); waiting for it to end");
            var grace = services.GetRequiredService<IOptions<WorkerOptions>>().Value.ShutdownGrace;
            var run = await RunWaiter.WaitForEndAsync(services.GetRequiredService<RunHistoryStore>(), id, grace + Slack, cancellationToken);
            var status = run?.Status ?? RunStatus.Running;
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new { run_id = id, task_id = run?.TaskId, node = request.Node, status, requested_by = by, reason = why, error = run?.Error },
                    JobJson.Options));
            }
            else
            {
                Console.Out.WriteLine(run is null
                    ? $"run {id} is still running on {request.Node} after {DurationText.Format(grace + Slack)}; the request stays recorded"
                    : $"run {id} ({run.TaskId ?? run.Job}) ended {run.Status}: {run.Error}");
            }
            return run is null ? ExitCodes.RuntimeError : ExitCodes.Ok;
        });
        return command;
    }
}
