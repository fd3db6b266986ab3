using Aionis.Jobs.Publishing;
using Aionis.Worker.Running;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Hosting;

/// <summary>
/// Reads the incident publish queue's depth for the <c>aionis.publish.*.depth</c> gauges. Sampled here rather than in
/// the gauge callback, so a metrics export never waits on (or hangs with) the database.
/// </summary>
public sealed class PublishQueueSampler(PublishQueue queue, ILogger<PublishQueueSampler> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            await SampleAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            WorkerTelemetry.ReportPublishQueue(await queue.ReadDepthAsync(cancellationToken));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            WorkerTelemetry.ReportPublishQueue(null);
            logger.LogDebug("publish queue depth not sampled: {Error}", e.Message);
        }
    }
}
