namespace Aionis.Jobs.Publishing;

/// <summary>Picks the publisher for a target URI. Throws <see cref="PublishTargetException"/> for bad targets.</summary>
public interface IPublisherFactory
{
    PublishTarget Parse(string target);

    IPublisher Create(string target);
}
