using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aionis.Jobs.Telemetry;

internal sealed class TelemetryModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<TelemetrySettings>(configuration);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TelemetrySettings>>().Value);
        services.AddTransient<TelemetryStatements>();
        services.AddTransient<TenantTimeseriesReader>();
        services.AddTransient<TenantDashboardReader>();
        services.AddTransient<KeyUsageReader>();
        services.AddTransient<TelemetryPurger>();
        services.AddTransient<TelemetryIndex>();
    }
}
