using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Jobs.Telemetry;

internal sealed class TelemetryModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        // Read now, not on first use: a bad CONTROL_TELEMETRY_RETENTION_HOURS or Telemetry:WorkMem stops every command at start.
        services.AddSingleton(TelemetrySettings.From(configuration));
        services.AddTransient<TelemetryStatements>();
        services.AddTransient<TenantTimeseriesReader>();
        services.AddTransient<TenantDashboardReader>();
        services.AddTransient<KeyUsageReader>();
        services.AddTransient<TelemetryPurger>();
        services.AddTransient<TelemetryIndex>();
    }
}
