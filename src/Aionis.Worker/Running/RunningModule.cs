using Aionis.Data.History;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Running;

/// <summary>The runner and what it writes to: history (when a database is configured), the spool, runs in flight and their cancellation.</summary>
/// <param name="connectionString">The worker database's, or null when none is configured (commands that need none still run).</param>
public sealed class RunningModule(string? connectionString) : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        if (connectionString is not null)
        {
            services.AddSingleton<RunHistoryStore>();
            services.AddSingleton<TenantDirectory>();
        }
        services.AddSingleton<RunSpool>();
        services.AddSingleton(sp => new RunRecorder(sp.GetService<RunHistoryStore>(), sp.GetRequiredService<RunSpool>(), sp.GetRequiredService<ILogger<RunRecorder>>()));
        services.AddSingleton<JobRunner>();
        services.AddSingleton<InFlightRuns>();
        services.AddSingleton<RunCancellations>();
    }
}
