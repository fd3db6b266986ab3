using Aionis.Data;
using Aionis.Data.History;
using Aionis.Worker.Running;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aionis.Worker.Hosting;

/// <summary>
/// What <c>serve</c> does before the scheduler starts (and so before systemd hears READY=1): wait for the database,
/// check the schema, mark this node's interrupted runs <c>abandoned</c>, write spooled runs, sync the registry.
/// </summary>
public sealed class WorkerStartup(
    DatabaseSettings database,
    RunHistoryStore history,
    RunSpool spool,
    RegistrySyncService registry,
    TimeProvider clock,
    IOptions<WorkerOptions> worker,
    ILogger<WorkerStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await WaitForDatabaseAsync(cancellationToken);
        var interrupted = (await history.RunningOnNodeAsync(worker.Value.NodeName, cancellationToken))
            .Where(run => !CliRunIdentity.IsLive(run.FireInstanceId))
            .Select(run => run.RunId)
            .ToList();
        var abandoned = await history.AbandonAsync(interrupted, $"node {worker.Value.NodeName} stopped before the run finished", clock.GetUtcNow(), cancellationToken);
        if (abandoned > 0)
        {
            logger.LogWarning("{Count} run(s) of node {Node} were interrupted by its last stop; marked abandoned", abandoned, worker.Value.NodeName);
        }
        await spool.ReplayAsync(history, cancellationToken);
        await registry.SyncAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The schedule lives in the database: until it answers nothing can fire, so wait (and say so) instead of crashing.</summary>
    private async Task WaitForDatabaseAsync(CancellationToken cancellationToken)
    {
        var migrator = new DatabaseMigrator(database.Require());
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                var pending = await migrator.PendingAsync(cancellationToken);
                if (pending.Count > 0)
                {
                    throw new ConfigurationException($"the worker schema is not up to date ({string.Join(", ", pending)} pending): run 'aionis db migrate'");
                }
                return;
            }
            catch (Exception e) when (DatabaseFailures.IsUnreachable(e))
            {
                logger.LogWarning("database {Database} unreachable ({Error}); retrying in {Delay}", DatabaseConnection.Describe(database.Require()), e.Message, delay);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
            }
        }
    }
}
