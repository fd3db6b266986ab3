using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aionis.Jobs.Publishing;

internal sealed class PublishingModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpClient(PublisherFactory.GcsHttpClient, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<IPublisherFactory, PublisherFactory>();
        services.AddTransient<PublishQueue>();
        services.AddTransient<PublishSloReader>();
        // Started by serve's host only; the CLI's commands build no host.
        services.AddHostedService<PublishQueueSampler>();
    }
}
