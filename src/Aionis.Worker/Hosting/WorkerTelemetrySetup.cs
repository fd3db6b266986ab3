using Aionis.Worker.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Quartz.Diagnostics;

namespace Aionis.Worker.Hosting;

/// <summary>
/// OpenTelemetry for <c>serve</c>: the worker's own source and meter, Quartz's, and Npgsql's; exported
/// over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard <c>OTEL_*</c> variables apply). Without an
/// endpoint nothing is exported, but runs still get a trace id in history.
/// </summary>
public static class WorkerTelemetrySetup
{
    public const string ServiceName = "aionis-worker";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddWorkerTelemetry(this IServiceCollection services, IConfiguration configuration, string nodeName)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceInstanceId: nodeName))
            .WithTracing(tracing => tracing.AddWorkerSources())
            .WithMetrics(metrics => metrics.AddWorkerMeters());
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]))
        {
            telemetry.UseOtlpExporter();
        }
        return services;
    }

    public static TracerProviderBuilder AddWorkerSources(this TracerProviderBuilder tracing) => tracing
        .AddSource(WorkerTelemetry.Name)
        .AddSource(QuartzInstrumentation.ActivitySourceName)
        .AddNpgsql();

    public static MeterProviderBuilder AddWorkerMeters(this MeterProviderBuilder metrics) => metrics
        .AddMeter(WorkerTelemetry.Name)
        .AddMeter(QuartzInstrumentation.MeterName)
        .AddNpgsqlInstrumentation();
}
