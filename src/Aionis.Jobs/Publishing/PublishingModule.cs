using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aionis.Jobs.Publishing;

internal sealed class PublishingModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<GcsSettings>(configuration);
        services.AddSingleton<GcsClient>();
        services.AddSingleton<IPublisherFactory, PublisherFactory>();
        services.AddTransient<PublishQueue>();
        services.AddTransient<PublishSloReader>();
        // Started by serve's host only; the CLI's commands build no host.
        services.AddHostedService<PublishQueueSampler>();
    }
}
