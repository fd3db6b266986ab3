using Aionis.Data;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Aionis.Worker.Hosting;

/// <summary>The services every command shares: options, clock, logging, database, the runner's module and the jobs' own modules.</summary>
public static class WorkerServices
{
    public static IServiceCollection AddWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSettings<WorkerOptions>(configuration);
        services.AddSingleton<IValidateOptions<DatabaseOptions>>(new DatabaseOptionsValidator(configuration));
        services.AddOptions<DatabaseOptions>().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            logging.AddConsole();
            logging.AddConsoleFormatter<WorkerConsoleFormatter, ConsoleFormatterOptions>();
            // Lines inside a run's scope are also kept with the run (worker.job_run_logs).
            logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, RunLogCapture>());
            // Post-configured so that it also wins over AddSystemd's own journal formatter (serve).
            logging.Services.PostConfigure<ConsoleLoggerOptions>(console =>
            {
                console.FormatterName = WorkerConsoleFormatter.FormatterName;
                console.LogToStandardErrorThreshold = LogLevel.Trace;
            });
            if (configuration["Logging:LogLevel:Default"] is null)
            {
                logging.SetMinimumLevel(LogLevel.Warning);
            }
            // A job's progress lines are what an operator watching a run reads: shown unless configured otherwise.
            if (configuration[$"Logging:LogLevel:{RunnerLog.ProgressCategory}"] is null)
            {
                logging.AddFilter(RunnerLog.ProgressCategory, LogLevel.Information);
            }
        });

        // A connection string that does not parse is reported by DatabaseOptionsValidator before anything connects.
        var connectionString = DatabaseConnection.Problem(configuration) is null ? DatabaseConnection.Resolve(configuration) : null;
        if (connectionString is not null)
        {
            services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
        }
        services.AddSingleton(new DatabaseSettings(connectionString));
        // Every HttpClient (alerts) logs through the redacting logger instead of the factory's full-URL one.
        services.AddSingleton<RedactingHttpClientLogger>();
        services.ConfigureHttpClientDefaults(http => http.RemoveAllLoggers().AddLogger<RedactingHttpClientLogger>());
        services.AddModules(configuration, new RunningModule(connectionString));
        services.AddAionisJobs(configuration);
        return services;
    }

    /// <summary>
    /// Runs every options validator (<c>ValidateOnStart</c>): throws <see cref="ConfigurationException"/> with one line per
    /// bad value (the first per key when two settings read the same key).
    /// </summary>
    public static void ValidateConfiguration(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception e) when (e is OptionsValidationException or AggregateException)
        {
            var failures = (e is AggregateException all ? all.InnerExceptions : [e])
                .OfType<OptionsValidationException>()
                .SelectMany(v => v.Failures)
                .DistinctBy(line => line.Split(' ', 2)[0])
                .ToList();
            throw new ConfigurationException(failures);
        }
    }
}
