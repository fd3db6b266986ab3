using System.CommandLine;
using System.Text.Json;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aionis.Worker.Cli;

/// <summary><c>aionis run TASK [--dry-run] [--set key=value]… [--enqueue] [--json]</c>: run one registry task now.</summary>
public static class RunCommand
{
    public const string Name = "run";

    public static Command Create()
    {
        var task = new Argument<string>("task") { Description = "Registry task id (aionis registry list shows them)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Read everything, change nothing: print and record what the run would do" };
        var set = new Option<string[]>("--set")
        {
            Description = "Override one of the task's inputs, e.g. --set max_age_days=14 (repeatable; permissions still apply)",
            AllowMultipleArgumentsPerToken = false,
        };
        var enqueue = new Option<bool>("--enqueue") { Description = "Hand the run to the persisted scheduler: any running node executes it (trigger 'enqueued')" };
        var wait = new Option<bool>("--wait") { Description = "With --enqueue: wait for the run to end and exit with its exit code" };
        var json = new Option<bool>("--json") { Description = "Print {run_id, status, exit_code, summary} instead of the summary alone" };
        var registry = RegistryOptions.Create();
        var command = new Command(Name, "Run one registry task now, in this process, with its inputs") { task, dryRun, set, enqueue, wait, json, registry };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = CliServices.Configuration(parse);
            TaskRegistry loaded;
            try
            {
                loaded = RegistryOptions.Load(RegistryOptions.PathOf(parse, registry, configuration), configuration);
            }
            catch (RegistryInvalidException e)
            {
                return RegistryOptions.PrintErrors(e);
            }
            var id = parse.GetValue(task)!;
            if (parse.GetValue(wait) && !parse.GetValue(enqueue))
            {
                return RunOutput.Fail(ExitCodes.Usage, "--wait: only with --enqueue (a run in this process is waited for anyway)");
            }
            if (loaded.Find(id) is not { } definition)
            {
                return RunOutput.Fail(ExitCodes.Usage, $"no task '{id}' in {loaded.Path}; known: {string.Join(", ", loaded.Tasks.Select(t => t.Id))}");
            }
            var overrides = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var pair in parse.GetValue(set) ?? [])
            {
                var at = pair.IndexOf('=');
                if (at <= 0) return RunOutput.Fail(ExitCodes.Usage, $"--set '{pair}': expected key=value");
                overrides[pair[..at].Trim().Replace('-', '_')] = pair[(at + 1)..];
            }

            var job = JobCatalog.Default.Get(definition.Job);
            JobOptions options;
            try
            {
                options = TaskInputs.Bind(job, definition.Inputs, overrides, key => configuration[key]);
            }
            catch (OptionBindingException e)
            {
                return RunOutput.OptionErrors(id, e);
            }
            var missing = job.RequiredPermissions(options).Except(definition.Permissions).ToList();
            if (missing.Count > 0)
            {
                return RunOutput.Fail(ExitCodes.Usage, $"task '{id}' with these inputs needs {string.Join(", ", missing)}, which the registry does not grant");
            }

            var dry = parse.GetValue(dryRun) || definition.DryRun;
            if (parse.GetValue(enqueue))
            {
                await using var client = await SchedulerClient.ConnectAsync(parse, cancellationToken);
                var runId = Guid.CreateVersion7();
                var key = await client.Services.GetRequiredService<TaskEnqueuer>().EnqueueAsync(client.Scheduler, id, dry, overrides, CliRunIdentity.TriggeredBy,
                    cancellationToken, runId);
                await WarnWithoutLiveNodeAsync(client, cancellationToken);
                if (!parse.GetValue(wait))
                {
                    Console.Out.WriteLine(JsonSerializer.Serialize(new { enqueued = true, task_id = id, run_id = runId, dry_run = dry, trigger = key.ToString() }, JobJson.Options));
                    return ExitCodes.Ok;
                }
                Console.Error.WriteLine($"aionis run: enqueued run {runId} of {id}; waiting for it to end");
                var run = (await RunWaiter.WaitForEndAsync(client.Services.GetRequiredService<Aionis.Data.History.RunHistoryStore>(), runId, limit: null, cancellationToken))!;
                Console.Out.WriteLine(JsonSerializer.Serialize(PersistedTaskRuns.Describe(run), JobJson.Options));
                return run.ExitCode ?? ExitCodes.RuntimeError;
            }

            using var services = CliServices.BuildForRun(parse);
            var result = await CliCancellation.FollowAsync(services, services.GetRequiredService<JobRunner>().RunAsync(new RunRequest(job, options)
            {
                TaskId = id,
                DryRun = dry,
                Timeout = definition.Timeout,
                RegistryHash = loaded.Hash,
                FireInstanceId = CliRunIdentity.Current,
                TriggeredBy = CliRunIdentity.TriggeredBy,
            }, cancellationToken));
            return parse.GetValue(json) ? RunOutput.PrintJson(result, id) : RunOutput.Print(result);
        });
        return command;
    }

    /// <summary>An enqueued run waits for a node: say so when no node of the cluster is checking in (it stays queued).</summary>
    private static async Task WarnWithoutLiveNodeAsync(SchedulerClient client, CancellationToken cancellationToken)
    {
        var grace = client.Services.GetRequiredService<IOptions<WorkerOptions>>().Value.ClusterCheckinInterval * 4;
        var nodes = await client.Services.GetRequiredService<PersistedSchedule>()
            .LiveNodesAsync(QuartzSetup.SchedulerName, grace, client.Services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
        if (nodes.Count == 0)
        {
            Console.Error.WriteLine($"aionis run: warning: no node of the cluster checked in within the last {DurationText.Format(grace)}; "
                + "the run stays queued until 'aionis serve' runs");
        }
    }
}
