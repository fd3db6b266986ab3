using System.CommandLine;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

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
            builder.Services.AddServe(builder.Configuration, configuration, RegistryOptions.PathOf(parse, registry, configuration));

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
