using Aionis.Data.Alerts;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aionis.Jobs.Alerts;

internal sealed class AlertsModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<AlertSettings>(configuration);
        services.AddSingleton<IValidateOptions<AlertSettings>>(new OperatorChannelsValidator(configuration));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AlertSettings>>().Value);
        services.AddSettings<AlertDeliverySettings>(configuration);
        services.AddSingleton<AlertTargetGuard>();
        services.AddSingleton(_ => OperatorChannelSet.Load(configuration));
        services.AddHttpClient(AlertSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(GuardedHandler)
            .AddAlertResilience();
        // The same guard without retries: a drill's probe must see each answer as it came (a retried 503 hides the outage).
        services.AddHttpClient(AlertSender.ProbeHttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(GuardedHandler);
        services.AddSingleton<AlertSender>();
        services.AddTransient<AlertRouteReader>();
        services.AddTransient<AlertDeliveryStore>();
        services.AddTransient<AlertDeliveryClaimStore>();
        services.AddTransient<RouteDispatcher>();
        services.AddTransient<CatalogJobReader>();
        services.AddTransient<AlertEventDetector>();
        services.AddSingleton<OperatorAlertStore>();
        services.AddSingleton<Aionis.Data.Alerts.AlertSilenceStore>();
        services.AddSingleton<Aionis.Data.Alerts.OperatorAlertLedger>();
        services.AddSingleton<OperatorAlerts>();
        // Started by serve's host only; the CLI's commands build no host.
        services.AddHostedService<OperatorChannelWarning>();
    }

    private static HttpMessageHandler GuardedHandler(IServiceProvider services)
    {
        var guard = services.GetRequiredService<AlertTargetGuard>();
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectCallback = (connection, cancellationToken) => guard.ConnectAsync(connection.DnsEndPoint, cancellationToken),
        };
    }
}
