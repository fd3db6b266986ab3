using Aionis.Jobs.Alerts;
using Aionis.Jobs.Framework;
using Aionis.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Aionis.Worker.Hosting;

/// <summary>Loads the followed registry file and syncs it; a file with errors is recorded as rejected and changes nothing.</summary>
public sealed class RegistrySyncService(
    RegistryFile file,
    RegistrySynchronizer synchronizer,
    ISchedulerFactory schedulers,
    JobCatalog catalog,
    IConfiguration configuration,
    OperatorAlerts alerts,
    TimeProvider clock,
    ILogger<RegistrySyncService> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <returns>True when the file was accepted.</returns>
    public async Task<bool> SyncAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            TaskRegistry registry;
            try
            {
                registry = new RegistryLoader(catalog, key => configuration[key], clock).Load(file.Path);
            }
            catch (RegistryInvalidException e)
            {
                file.SyncedHash = RegistryLoader.HashOf(file.Path);
                await synchronizer.RecordRejectedAsync(file.SyncedHash, e.Errors, cancellationToken);
                await RejectedAsync(file.SyncedHash, e, cancellationToken);
                return false;
            }
            var scheduler = await schedulers.GetScheduler(cancellationToken);
            try
            {
                await synchronizer.SyncAsync(scheduler, registry, cancellationToken);
            }
            catch (RegistryInvalidException e)
            {
                // Valid when read, but a trigger cannot be scheduled: the synchronizer recorded the rejection, nothing was applied.
                file.SyncedHash = registry.Hash;
                await RejectedAsync(registry.Hash, e, cancellationToken);
                return false;
            }
            catch (RegistrySyncFailedException e)
            {
                // Valid, but the database refused a write half way: the synchronizer put the previous schedule back.
                // The hash is not marked synced, so the next edit, SIGHUP or start tries the file again.
                RegistryLog.SyncFailed(logger, file.Path, e.Error);
                await alerts.RegistryRejectedAsync(file.Path, registry.Hash, [e.Error], cancellationToken);
                return false;
            }
            file.LastGood = registry;
            file.SyncedHash = registry.Hash;
            await alerts.RegistryAcceptedAsync(registry.Hash, cancellationToken);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RejectedAsync(string hash, RegistryInvalidException e, CancellationToken cancellationToken)
    {
        RegistryLog.Invalid(logger, file.Path, e.Errors.Count);
        await alerts.RegistryRejectedAsync(file.Path, hash, e.Errors.Select(error => error.ToString()).ToList(), cancellationToken);
    }
}
