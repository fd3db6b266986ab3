using System.CommandLine;
using System.Runtime.CompilerServices;
using Aionis.Worker.Configuration;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

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

    /// <summary>
    /// The services of this invocation. The first call validates the configuration on the provider it returns instead of
    /// on a throwaway one, so a one-shot command builds its services once (start-up of <c>aionis job …</c>).
    /// </summary>
    public static ServiceProvider Build(ParseResult parse, Action<IServiceCollection>? extra = null)
    {
        var validated = Checked.TryGetValue(parse, out var configuration);
        configuration ??= WorkerConfiguration.Build(parse.GetValue(ConfigOption));
        var services = new ServiceCollection();
        services.AddWorker(configuration);
        extra?.Invoke(services);
        var provider = services.BuildServiceProvider();
        if (!validated)
        {
            try
            {
                WorkerServices.ValidateConfiguration(provider);
            }
            catch
            {
                provider.Dispose();
                throw;
            }
            Checked.AddOrUpdate(parse, configuration);
        }
        return provider;
    }

    /// <summary>Now, from the injected clock, for commands that check their times (<c>--until</c>, <c>--to</c>) before they connect.</summary>
    public static DateTimeOffset Now(ParseResult parse)
    {
        using var services = Build(parse);
        return services.GetRequiredService<TimeProvider>().GetUtcNow();
    }

    /// <summary>
    /// For <c>run</c> and <c>job</c>, which print a run's outcome as one line (<see cref="RunOutput"/>): the runner's own
    /// outcome line would say it a second time on the same stderr, so it is kept off the console (not off the run's log).
    /// </summary>
    public static ServiceProvider BuildForRun(ParseResult parse) =>
        Build(parse, services => services.AddLogging(logging => logging.AddFilter<ConsoleLoggerProvider>(RunnerLog.OutcomeCategory, LogLevel.None)));
}
