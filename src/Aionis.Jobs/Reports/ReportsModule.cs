using Aionis.Data.Reports;
using Aionis.Jobs.Framework;
using Aionis.Jobs.Reports.Checklist;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Jobs.Reports;

internal sealed class ReportsModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<OpsHistory>();
        services.AddTransient<TrafficReader>();
        services.AddTransient<OpsChecklistReader>();
    }
}
