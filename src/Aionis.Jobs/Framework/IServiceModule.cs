using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Jobs.Framework;

/// <summary>
/// An area's service registrations (publishers, alert channels, shared readers, its hosted services and option
/// validators). Every module in Aionis.Jobs is found and applied by <see cref="JobServices.AddAionisJobs"/>; jobs
/// themselves need no registration (they are created per run). The worker's own areas have modules too, applied as an
/// explicit, ordered list (<see cref="ServiceModules.AddModules"/>: <c>AddWorker</c>, <c>AddServe</c>).
/// </summary>
public interface IServiceModule
{
    void Register(IServiceCollection services, IConfiguration configuration);
}
