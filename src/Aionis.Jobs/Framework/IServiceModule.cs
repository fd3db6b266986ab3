using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Jobs.Framework;

/// <summary>
/// An area's service registrations (publishers, alert channels, shared readers). Every module in Aionis.Jobs is found and
/// applied by <see cref="JobServices.AddAionisJobs"/>; jobs themselves need no registration (they are created per run).
/// </summary>
public interface IServiceModule
{
    void Register(IServiceCollection services, IConfiguration configuration);
}
