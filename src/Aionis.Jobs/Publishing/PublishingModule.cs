using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Jobs.Publishing;

internal sealed class PublishingModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpClient(PublisherFactory.GcsHttpClient, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<IPublisherFactory, PublisherFactory>();
        services.AddTransient<PublishQueue>();
        services.AddTransient<PublishSloReader>();
    }
}
