using System.CommandLine;
using Aionis.Data;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Aionis.Worker.Cli;

/// <summary><c>aionis serve [--registry PATH]</c>: the daemon.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var registry = RegistryOptions.Create();
        var command = new Command("serve", """
            Run the daemon: sync the registry into the persisted schedule, fire tasks (clustered with any other node on the
            same database), record every run, reload on SIGHUP or file change, and notify systemd when ready
            """) { registry };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = CliServices.Configuration(parse);
            var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Configuration = new ConfigurationManager() });
            builder.Configuration.AddConfiguration(configuration);
            var worker = WorkerOptions.From(configuration);
            var database = new DatabaseSettings(DatabaseConnection.Resolve(configuration));
            database.Require();

            builder.Services.AddWorker(builder.Configuration);
            builder.Services.AddSystemd();
            builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = worker.ShutdownGrace + TimeSpan.FromSeconds(15));
            builder.Services.AddSingleton(new RegistryFile(RegistryOptions.PathOf(parse, registry, configuration)));
            builder.Services.AddSingleton<RegistrySyncService>();
            builder.Services.AddScheduling(database, worker, worker.NodeName);
            builder.Services.AddHostedService<WorkerStartup>();
            builder.Services.AddQuartzHostedService(quartz => quartz.WaitForJobsToComplete = true);
            builder.Services.AddHostedService<RegistryReloader>();
            builder.Services.AddHostedService<WorkerMaintenance>();
            if (worker.DemoKickoff)
            {
                builder.Services.AddHostedService<DemoKickoff>();
            }

            using var host = builder.Build();
            try
            {
                await host.RunAsync(cancellationToken);
                return ExitCodes.Ok;
            }
            catch (ConfigurationException e)
            {
                Console.Error.WriteLine($"aionis serve: {e.Message}");
                return ExitCodes.Usage;
            }
        });
        return command;
    }
}
