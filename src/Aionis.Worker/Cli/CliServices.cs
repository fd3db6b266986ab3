using System.CommandLine;
using System.Runtime.CompilerServices;
using Aionis.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Aionis.Worker.Configuration;

namespace Aionis.Worker.Cli;

/// <summary>Builds configuration and services for one command invocation (cheap: no host, no scheduler).</summary>
public static class CliServices
{
    /// <summary><c>--config KEY=VALUE</c>, on every command: the last configuration source.</summary>
    public static readonly Option<string[]> ConfigOption = new("--config", "-c")
    {
        Description = "Configuration override KEY=VALUE (e.g. Worker:NodeName=node-a); repeatable; wins over files and environment",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    private static readonly ConditionalWeakTable<ParseResult, IConfigurationRoot> Checked = new();

    /// <summary>The configuration of this invocation, every value checked once (<see cref="ConfigurationException"/>, exit 64).</summary>
    public static IConfigurationRoot Configuration(ParseResult parse) => Checked.GetValue(parse, p =>
    {
        var configuration = WorkerConfiguration.Build(p.GetValue(ConfigOption));
        var services = new ServiceCollection();
        services.AddWorker(configuration);
        using var provider = services.BuildServiceProvider();
        WorkerServices.ValidateConfiguration(provider);
        return configuration;
    });

    public static ServiceProvider Build(ParseResult parse, Action<IServiceCollection>? extra = null)
    {
        var services = new ServiceCollection();
        services.AddWorker(Configuration(parse));
        extra?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// For <c>run</c> and <c>job</c>, which print a run's outcome as one line (<see cref="RunOutput"/>): the runner's own
    /// outcome line would say it a second time on the same stderr, so it is kept off the console (not off the run's log).
    /// </summary>
    public static ServiceProvider BuildForRun(ParseResult parse) =>
        Build(parse, services => services.AddLogging(logging => logging.AddFilter<ConsoleLoggerProvider>(RunnerLog.OutcomeCategory, LogLevel.None)));
}
