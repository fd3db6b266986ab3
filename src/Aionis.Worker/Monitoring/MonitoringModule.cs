using Aionis.Data.Monitoring;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Aionis.Worker.Monitoring;

/// <summary>
/// <c>serve</c>'s monitoring: <c>/metrics</c> (Prometheus), <c>/healthz</c>, <c>/readyz</c>, the task gauges and the
/// Alertmanager re-post. Applied before the hosted services that wait for the database, so the endpoints answer from the start.
/// </summary>
/// <param name="root">The checked configuration root: an empty value (<c>Worker:Http:Urls=</c>) reads as unset.</param>
public sealed class MonitoringModule(IConfigurationRoot root) : IServiceModule
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        // Checked now as well as on start: a bad address is one line and exit 64 before anything is built.
        if (Settings.Problems<MonitoringOptions>(root) is { Count: > 0 } problems) throw new ConfigurationException(problems);
        services.AddSettings<MonitoringOptions>(root);
        // The same MeterProvider the OTLP exporter reads (WorkerTelemetrySetup): one set of meters, two ways out.
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter().AddRuntimeInstrumentation());
        services.AddHealthChecks()
            .AddCheck<LivenessCheck>("process", tags: [HealthTags.Live], timeout: CheckTimeout)
            .AddCheck<DatabaseCheck>("database", tags: [HealthTags.Ready], timeout: CheckTimeout)
            .AddCheck<RegistryCheck>("registry", tags: [HealthTags.Ready], timeout: CheckTimeout)
            .AddCheck<SchedulerCheck>("scheduler", tags: [HealthTags.Ready], timeout: CheckTimeout)
            .AddCheck<ClusterCheckinCheck>("cluster_checkin", tags: [HealthTags.Ready], timeout: CheckTimeout);
        services.AddSingleton<MonitoringStore>();
        services.AddSingleton<TaskGauges>();
        services.AddHostedService<MonitoringEndpoint>();
        services.AddHostedService<TaskGaugeSampler>();
        services.AddHostedService<AlertmanagerRepost>();
    }
}
