using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Aionis.Worker.Monitoring;

/// <summary>
/// The HTTP side of monitoring: a Kestrel of its own on <c>Worker:Http:Urls</c> serving OpenTelemetry's Prometheus
/// scrape endpoint (<c>/metrics</c>, the worker's MeterProvider) and the health checks (<c>/healthz</c>, <c>/readyz</c>).
/// A separate, empty web host rather than making <c>serve</c> a web application: it brings no configuration, logging
/// or lifetime of its own (nothing of it is logged, so no request path reaches a log), and the daemon's host stays as
/// it is. Started before the database is waited for, so <c>/healthz</c> answers while <c>/readyz</c> says why not yet.
/// </summary>
public sealed class MonitoringEndpoint(
    IServiceProvider services,
    IOptions<MonitoringOptions> options,
    ILogger<MonitoringEndpoint> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _web;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var addresses = options.Value.Addresses;
        if (addresses.Count == 0)
        {
            MonitoringLog.Disabled(logger, MonitoringOptions.UrlsKey);
            return;
        }
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls([.. addresses]);
        builder.Services.AddSingleton<IHostLifetime, NoLifetime>();
        builder.Services.AddSingleton(services.GetRequiredService<HealthCheckService>());
        var web = builder.Build();
        web.UseOpenTelemetryPrometheusScrapingEndpoint(services.GetRequiredService<MeterProvider>(), predicate: null!, path: "/metrics",
            configureBranchedPipeline: null!, optionsName: null!);
        web.UseHealthChecks("/healthz", HealthResponse.For(HealthTags.Live));
        web.UseHealthChecks("/readyz", HealthResponse.For(HealthTags.Ready));
        try
        {
            await web.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            // A port in use must not stop the schedule: Prometheus sees the target down and alerts (AionisWorkerDown).
            MonitoringLog.ListenFailed(logger, string.Join(", ", addresses), e.Message);
            await web.DisposeAsync();
            return;
        }
        _web = web;
        MonitoringLog.Listening(logger, string.Join(", ", addresses));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_web is { } web) await web.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_web is { } web) await web.DisposeAsync();
    }

    /// <summary>The daemon's host owns signals and shutdown; the web host only starts and stops with it.</summary>
    private sealed class NoLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
