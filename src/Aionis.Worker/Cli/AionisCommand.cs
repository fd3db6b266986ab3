using System.CommandLine;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Microsoft.Extensions.Options;

namespace Aionis.Worker.Cli;

/// <summary>The <c>aionis</c> command line.</summary>
public static class AionisCommand
{
    public static RootCommand Create()
    {
        var catalog = JobCatalog.Default;
        var root = new RootCommand("""
            Aionis Worker: runs the Aionis control plane's operational jobs on the schedule in task_registry.yml,
            records every run in PostgreSQL (worker.job_runs) and lets anyone run any task by hand, in --dry-run if wanted.
            Exit codes: 0 done, 1 runtime error, 2 --strict gate not ok, 64 usage/validation error, 75 database unreachable.
            """)
        {
            CliServices.ConfigOption,
        };
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(JobCommand.Create(catalog));
        root.Subcommands.Add(JobsCommand.Create(catalog));
        root.Subcommands.Add(RegistryCommand.Create());
        root.Subcommands.Add(HistoryCommand.Create());
        root.Subcommands.Add(PauseCommands.Pause());
        root.Subcommands.Add(PauseCommands.Resume());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(CancelCommand.Create());
        root.Subcommands.Add(AlertsCommand.Create());
        root.Subcommands.Add(RerunCommand.Create());
        root.Subcommands.Add(BackfillCommand.Create());
        root.Subcommands.Add(DbCommand.Create());
        root.Subcommands.Add(BackupsCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(IncidentCommand.Create());
        root.Subcommands.Add(GameDayCommand.Create());
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args)
    {
        var parse = (OneShotCommandLine.TryCreate(args) ?? Create()).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine($"aionis: {error.Message}");
            }
            Console.Error.WriteLine("aionis: see 'aionis --help' (or 'aionis COMMAND --help')");
            return ExitCodes.Usage;
        }
        try
        {
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            if (parse.CommandResult.Command.Name == ServeCommand.Name)
            {
                // serve's host owns SIGTERM: it drains running jobs for up to Worker:ShutdownGrace, where
                // System.CommandLine would return 143 after two seconds.
                invocation.ProcessTerminationTimeout = null;
            }
            else
            {
                // A cancelled job cleans up before it returns (pitr-restore-drill stops its scratch server and removes
                // its folder); System.CommandLine's default 2 s would end the process in the middle of that.
                invocation.ProcessTerminationTimeout = TimeSpan.FromSeconds(30);
            }
            return await parse.InvokeAsync(invocation);
        }
        catch (ConfigurationException e)
        {
            foreach (var problem in e.Problems)
            {
                Console.Error.WriteLine($"aionis: configuration: {problem}");
            }
            return ExitCodes.Usage;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
            {
                Console.Error.WriteLine($"aionis: configuration: {failure}");
            }
            return ExitCodes.Usage;
        }
        catch (DatabaseNotConfiguredException e)
        {
            return RunOutput.Fail(ExitCodes.Usage, e.Message);
        }
        catch (Exception e) when (PostgresFailures.IsUnreachable(e))
        {
            return RunOutput.Fail(ExitCodes.DatabaseUnavailable, $"could not reach the database: {JobErrors.Text(e)}");
        }
        catch (Exception e)
        {
            return RunOutput.Fail(ExitCodes.RuntimeError, JobErrors.Text(e));
        }
    }
}
