using System.CommandLine;
using Aionis.Data;
using Aionis.Jobs.Framework;
using Aionis.Worker.Hosting;
using Aionis.Worker.Monitoring;
using Aionis.Worker.Running;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Aionis.Worker.Cli;

/// <summary><c>aionis serve [--registry PATH]</c>: the daemon.</summary>
public static class ServeCommand
{
    public const string Name = "serve";

    public static Command Create()
    {
        var registry = RegistryOptions.Create();
        var command = new Command(Name, """
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
            builder.Services.AddWorkerTelemetry(builder.Configuration, worker.NodeName);
            // The host's own deadline: the drain's grace, the cancelled jobs' unwinding, and Quartz's shutdown after it.
            builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = worker.ShutdownGrace + ShutdownDrain.UnwindTime + TimeSpan.FromSeconds(5));
            builder.Services.AddSingleton(new RegistryFile(RegistryOptions.PathOf(parse, registry, configuration)));
            builder.Services.AddSingleton<RegistrySyncService>();
            builder.Services.AddScheduling(database, worker, worker.NodeName);
            builder.Services.AddSingleton<OperatorNotifications>();
            builder.Services.AddSingleton<IRunObserver>(sp => sp.GetRequiredService<OperatorNotifications>());
            builder.Services.AddSingleton<IRunObserver, AfterTrigger>();
            builder.Services.AddSingleton<WorkerHealth>();
            // The root itself: chained into builder.Configuration an empty value (Worker:Http:Urls= turns the endpoints off) reads as unset.
            builder.Services.AddMonitoring(configuration);
            // Hosted services start in this order and stop in reverse: startup (database, registry) before the scheduler,
            // so READY=1 (sent when the host has started) means synced and firing; the drain stops first on SIGTERM.
            builder.Services.AddHostedService<WorkerStartup>();
            builder.Services.AddHostedService<CleanStop>();
            builder.Services.AddQuartzHostedService(quartz =>
            {
                quartz.AwaitApplicationStarted = false;
                quartz.WaitForJobsToComplete = true;
            });
            builder.Services.AddHostedService<RegistryReloader>();
            builder.Services.AddHostedService<WorkerMaintenance>();
            builder.Services.AddNodeControl();
            if (SystemdHelpers.IsSystemdService())
            {
                builder.Services.AddHostedService<SystemdWatchdog>();
            }
            if (worker.DemoKickoff)
            {
                builder.Services.AddHostedService<DemoKickoff>();
            }
            builder.Services.AddHostedService<ShutdownDrain>();

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
