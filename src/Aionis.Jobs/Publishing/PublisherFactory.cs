using Microsoft.Extensions.Configuration;

namespace Aionis.Jobs.Publishing;

/// <summary>Creates the publisher of a target from the worker's configuration (standard cloud SDK variables).</summary>
public sealed class PublisherFactory(IConfiguration configuration) : IPublisherFactory
{
    public const string AzureConnectionStringKey = "AZURE_STORAGE_CONNECTION_STRING";

    public PublishTarget Parse(string target) =>
        PublishTarget.Parse(target, azureConnectionStringSet: !string.IsNullOrEmpty(configuration[AzureConnectionStringKey]));

    public IPublisher Create(string target)
    {
        var parsed = Parse(target);
        return parsed.Kind switch
        {
            PublishTargetKind.Local => new LocalPublisher(parsed),
            _ => throw new NotSupportedException($"{parsed.Adapter} publishing is not wired yet"),
        };
    }
}
