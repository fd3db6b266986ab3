using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// Reads the incident publish queue's depth for <see cref="PublishQueueGauges"/> while <c>serve</c> runs (a hosted
/// service: the CLI's one-shot commands never start it). Sampled here rather than in the gauge callback, so a metrics
/// export never waits on (or hangs with) the database.
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
            PublishQueueGauges.Report(await queue.ReadDepthAsync(cancellationToken));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PublishQueueGauges.Report(null);
            logger.NotSampled(e.Message);
        }
    }
}
