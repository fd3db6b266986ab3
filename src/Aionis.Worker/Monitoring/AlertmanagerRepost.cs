using Aionis.Jobs.Alerts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Monitoring;

/// <summary>
/// Keeps open operator alerts firing in Alertmanager: re-posts them every <see cref="Interval"/>, well inside their
/// <c>endsAt</c> (<see cref="AlertmanagerBody.OpenFor"/>), so they end by themselves only when no worker is left to post.
/// </summary>
public sealed class AlertmanagerRepost(OperatorAlerts alerts, TimeProvider clock, ILogger<AlertmanagerRepost> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await alerts.RepostOpenAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                MonitoringLog.RepostFailed(logger, e.Message);
            }
        }
    }
}
