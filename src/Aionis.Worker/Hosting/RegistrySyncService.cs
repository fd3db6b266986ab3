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
                registry = new RegistryLoader(catalog, key => configuration[key]).Load(file.Path);
            }
            catch (RegistryInvalidException e)
            {
                file.SyncedHash = RegistryLoader.HashOf(file.Path);
                await synchronizer.RecordRejectedAsync(file.SyncedHash, e.Errors, cancellationToken);
                logger.LogError("{Path} rejected ({Count} error(s)); keeping the last good schedule", file.Path, e.Errors.Count);
                return false;
            }
            var scheduler = await schedulers.GetScheduler(cancellationToken);
            await synchronizer.SyncAsync(scheduler, registry, cancellationToken);
            file.LastGood = registry;
            file.SyncedHash = registry.Hash;
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }
}
