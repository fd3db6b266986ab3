using Aionis.Data;
using Aionis.Data.History;
using Aionis.Jobs.Framework;
using Aionis.Worker.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Aionis.Worker.Hosting;

/// <summary>The services every command shares: options, clock, database, history, the runner and the jobs' own modules.</summary>
public static class WorkerServices
{
    public static IServiceCollection AddWorker(this IServiceCollection services, IConfiguration configuration)
    {
        var worker = WorkerOptions.From(configuration);

        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(Options.Create(worker));
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
        });

        var connectionString = DatabaseConnection.Resolve(configuration);
        if (connectionString is not null)
        {
            services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
            services.AddSingleton<RunHistoryStore>();
            services.AddSingleton<TenantDirectory>();
        }
        services.AddSingleton(new DatabaseSettings(connectionString));
        services.AddSingleton<RunSpool>();
        services.AddSingleton(sp => new RunRecorder(sp.GetService<RunHistoryStore>(), sp.GetRequiredService<RunSpool>(), sp.GetRequiredService<ILogger<RunRecorder>>()));
        services.AddSingleton<JobRunner>();
        services.AddSingleton<InFlightRuns>();
        services.AddAionisJobs(configuration);
        return services;
    }
}

/// <summary>The resolved connection string, or null when no database is configured.</summary>
public sealed record DatabaseSettings(string? ConnectionString)
{
    public string Require() => ConnectionString ?? throw new DatabaseNotConfiguredException();
}
