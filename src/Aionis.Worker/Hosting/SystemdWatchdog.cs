using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Hosting;

/// <summary>
/// Under systemd: keeps <c>STATUS=</c> current and, when the unit sets <c>WatchdogSec=</c>, sends <c>WATCHDOG=1</c> at
/// half that interval while <see cref="WorkerHealth"/> says the worker is alive. A hung worker stops pinging and
/// systemd restarts it.
/// </summary>
public sealed class SystemdWatchdog(ISystemdNotifier notifier, WorkerHealth health, ILogger<SystemdWatchdog> logger) : BackgroundService
{
    /// <summary>How often the status is refreshed when systemd asked for no watchdog.</summary>
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watchdog = WatchdogInterval();
        using var timer = new PeriodicTimer(watchdog is { } limit ? limit / 2 : StatusInterval);
        string? status = null;
        do
        {
            HealthReport report;
            try
            {
                report = await health.CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                report = new HealthReport(false, $"health check failed: {e.Message}");
            }
            if (report.Status != status)
            {
                notifier.Notify(new ServiceState("STATUS=" + report.Status));
                status = report.Status;
            }
            if (watchdog is null) continue;
            if (report.Alive)
            {
                notifier.Notify(new ServiceState("WATCHDOG=1"));
            }
            else
            {
                HostingLog.WatchdogWithheld(logger, report.Status, watchdog);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary><c>WATCHDOG_USEC</c> as systemd sets it for the main process (<c>WATCHDOG_PID</c>, when present, must be ours).</summary>
    public static TimeSpan? WatchdogInterval()
    {
        if (Environment.GetEnvironmentVariable("WATCHDOG_PID") is { Length: > 0 } pid && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }
        return long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec)
            : null;
    }
}
