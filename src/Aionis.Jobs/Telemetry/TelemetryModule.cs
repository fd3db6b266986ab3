using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Jobs.Telemetry;

internal sealed class TelemetryModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => TelemetrySettings.From(configuration));
        services.AddTransient<TenantTimeseriesReader>();
        services.AddTransient<TenantDashboardReader>();
        services.AddTransient<KeyUsageReader>();
        services.AddTransient<TelemetryPurger>();
    }
}
