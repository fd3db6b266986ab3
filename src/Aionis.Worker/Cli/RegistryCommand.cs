using System.CommandLine;
using Aionis.Jobs.Framework;
using Aionis.Worker.Running;
using Aionis.Worker.Scheduling;
using Quartz;

namespace Aionis.Worker.Cli;

/// <summary><c>aionis registry validate|list|diff|sync [--registry F]</c>.</summary>
public static class RegistryCommand
{
    public static Command Create()
    {
        var command = new Command("registry", "Check task_registry.yml and reconcile it with the persisted schedule");
        command.Subcommands.Add(Validate());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Diff());
        command.Subcommands.Add(Sync());
        return command;
    }

    private static Command Validate()
    {
        var registry = RegistryOptions.Create();
        var command = new Command("validate", "Check the file: every error with file:line:column, task and field (exit 64 on any)") { registry };
        command.SetAction(parse => WithRegistry(parse, registry, loaded =>
        {
            Console.Out.WriteLine($"{loaded.Path}: ok, {loaded.Tasks.Count} task(s), {loaded.Tasks.Count(t => t.Enabled)} enabled, hash {loaded.Hash[..12]}");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    private static Command List()
    {
        var registry = RegistryOptions.Create();
        var command = new Command("list", "Tasks with their schedule, state and next fire time (from the persisted schedule when a database is configured)") { registry };
        command.SetAction((parse, cancellationToken) => WithRegistry(parse, registry, async loaded =>
        {
            var persisted = await PersistedNextFiresAsync(parse, cancellationToken);
            Console.Out.WriteLine($"{"task",-32} {"job",-34} {"schedule",-18} {"tz",-16} {"state",-9} {"next fire (task zone)",-25} next fire (UTC)");
            foreach (var task in loaded.Tasks)
            {
                var state = !task.Enabled ? "disabled" : task.DryRun ? "rehearse" : "enabled";
                // The persisted next fire already skips excluded calendars; jitter is added to both forms, as the run starts then.
                var (fire, note) = persisted is null
                    ? (task.Enabled ? NextFires.After(task, DateTimeOffset.UtcNow) : null, " (not synced)")
                    : persisted.TryGetValue(task.Id, out var n) ? (n.NextFireTime, n.Paused ? " (paused)" : "") : (null, "(not synced)");
                var effective = fire is { } f ? NextFires.Effective(task, f) : (DateTimeOffset?)null;
                var local = effective is { } e ? TimeZoneInfo.ConvertTime(e, TimeZoneInfo.FindSystemTimeZoneById(task.TimeZone)).ToString("yyyy-MM-dd HH:mm:ss zzz")
                    : task.Scheduled ? "-" : "after " + string.Join(", ", task.After.Select(a => a.Task));
                var jitter = fire is { } j && task.Jitter > TimeSpan.Zero ? $" (jitter +{(effective!.Value - j).TotalSeconds:0}s)" : "";
                Console.Out.WriteLine($"{task.Id,-32} {task.Job,-34} {task.Schedule,-18} {task.TimeZone,-16} {state,-9} {local,-25} {effective?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss")}{note}{jitter}");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Diff()
    {
        var registry = RegistryOptions.Create();
        var command = new Command("diff", "What a sync would change in the persisted schedule (+ add, ~ change, - remove)") { registry };
        command.SetAction((parse, cancellationToken) => WithRegistry(parse, registry, async loaded =>
        {
            await using var client = await SchedulerClient.ConnectAsync(parse, cancellationToken);
            var plan = await Get<RegistrySynchronizer>(client).PlanAsync(client.Scheduler, loaded, cancellationToken);
            foreach (var line in plan.Describe()) Console.Out.WriteLine(line);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Sync()
    {
        var registry = RegistryOptions.Create();
        var command = new Command("sync", "Apply the file to the persisted schedule (unchanged tasks keep their next fire time)") { registry };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = CliServices.Configuration(parse);
            var path = RegistryOptions.PathOf(parse, registry, configuration);
            await using var client = await SchedulerClient.ConnectAsync(parse, cancellationToken);
            var synchronizer = Get<RegistrySynchronizer>(client);
            try
            {
                var loaded = RegistryOptions.Load(path, configuration);
                var plan = await synchronizer.SyncAsync(client.Scheduler, loaded, cancellationToken);
                foreach (var line in plan.Describe()) Console.Out.WriteLine(line);
                return ExitCodes.Ok;
            }
            catch (RegistryInvalidException e)
            {
                await synchronizer.RecordRejectedAsync(RegistryLoader.HashOf(path), e.Errors, cancellationToken);
                return RegistryOptions.PrintErrors(e);
            }
            catch (RegistrySyncFailedException e)
            {
                Console.Error.WriteLine($"{path}: {e.Error}");
                return ExitCodes.RuntimeError;
            }
        });
        return command;
    }

    private static async Task<int> WithRegistry(ParseResult parse, Option<string?> registry, Func<TaskRegistry, Task<int>> action)
    {
        var configuration = CliServices.Configuration(parse);
        try
        {
            return await action(RegistryOptions.Load(RegistryOptions.PathOf(parse, registry, configuration), configuration));
        }
        catch (RegistryInvalidException e)
        {
            return RegistryOptions.PrintErrors(e);
        }
    }

    /// <summary>Next fire time and paused state of every persisted task, in one query; null without a database.</summary>
    private static async Task<IReadOnlyDictionary<string, PersistedTask>?> PersistedNextFiresAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        if (Aionis.Data.DatabaseConnection.Resolve(CliServices.Configuration(parse)) is null) return null;
        await using var client = await SchedulerClient.ConnectAsync(parse, cancellationToken);
        return await Get<PersistedSchedule>(client).ReadAsync(QuartzSetup.SchedulerName, cancellationToken);
    }

    private static T Get<T>(SchedulerClient client) where T : notnull =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<T>(client.Services);

}
