using System.Runtime.InteropServices;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Hosting;

/// <summary>Re-syncs the registry on SIGHUP and when the file changes (debounced); a bad edit is rejected and logged.</summary>
public sealed class RegistryReloader(RegistryFile file, RegistrySyncService sync, ILogger<RegistryReloader> logger) : BackgroundService
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);
    private readonly SemaphoreSlim _signal = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (HangupDisposition.TakeBack())
        {
            RegistryLog.HangupWasIgnored(logger);
        }
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            RegistryLog.Reloading(logger, file.Path);
            _signal.Release();
        });
        using var watcher = Watch();
        if (file.ChangedSinceSync)
        {
            // Edited between the start-up sync and the watcher starting.
            _signal.Release();
        }
        RegistryLog.Following(logger, file.Path);
        while (!stoppingToken.IsCancellationRequested)
        {
            await _signal.WaitAsync(stoppingToken);
            await Task.Delay(Debounce, stoppingToken);
            while (_signal.CurrentCount > 0) await _signal.WaitAsync(stoppingToken);
            try
            {
                await sync.SyncAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                RegistryLog.ReloadFailed(logger, e);
            }
        }
    }

    private FileSystemWatcher? Watch()
    {
        var directory = Path.GetDirectoryName(file.Path);
        if (directory is null || !Directory.Exists(directory)) return null;
        var watcher = new FileSystemWatcher(directory, Path.GetFileName(file.Path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler changed = (_, _) => _signal.Release();
        watcher.Changed += changed;
        watcher.Created += changed;
        watcher.Renamed += (_, _) => _signal.Release();
        watcher.EnableRaisingEvents = true;
        return watcher;
    }
}
