using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// Says once, when <c>serve</c> starts (a hosted service: the CLI's one-shot commands never start it), that no operator
/// channel is configured, naming the keys to set. Each alert that then finds no channel is only a debug line.
/// </summary>
public sealed class OperatorChannelWarning(OperatorChannelSet channels, ILogger<OperatorChannelWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (channels.Channels.Count == 0)
        {
            logger.NoOperatorChannels(OperatorChannelSet.ChannelsKey, OperatorChannelSet.ChannelsEnvironmentKey);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
