using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Jobs.Evidence;

internal sealed class EvidenceModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<EvidenceSettings>(configuration);
        services.AddTransient<AuditSnapshotReader>();
    }
}
