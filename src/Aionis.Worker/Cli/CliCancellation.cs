using Aionis.Data.Controls;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Aionis.Worker.Cli;

/// <summary>
/// A run in the CLI's own process (<c>aionis run</c>, an in-process rerun or backfill) answers <c>aionis cancel</c> from
/// any host as a node's run does: while it is in flight the process polls for requests of it
/// (<see cref="RunCancellationPoller"/>). Without a database there is nothing to poll (and no row to cancel).
/// </summary>
public static class CliCancellation
{
    public static async Task<RunResult> FollowAsync(IServiceProvider services, Task<RunResult> run)
    {
        if (services.GetService<NpgsqlDataSource>() is not null)
        {
            var poller = ActivatorUtilities.CreateInstance<RunCancellationPoller>(services, ActivatorUtilities.CreateInstance<RunCancellationStore>(services));
            await poller.FollowAsync(run);
        }
        return await run;
    }
}
