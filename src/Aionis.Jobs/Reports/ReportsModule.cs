using Aionis.Data.Reports;
using Aionis.Jobs.Evidence;
using Aionis.Jobs.Framework;
using Aionis.Jobs.Reports.BurnRate;
using Aionis.Jobs.Reports.Checklist;
using Aionis.Jobs.Reports.GameDay;
using Aionis.Jobs.Reports.PublishRollup;
using Aionis.Jobs.Reports.Slo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aionis.Jobs.Reports;

internal sealed class ReportsModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<ReportsSettings>(configuration);
        services.AddSingleton(sp => SloFileLoader.Load(sp.GetRequiredService<IOptions<ReportsSettings>>().Value.SloFilePath).File
            ?? throw new InvalidOperationException($"{ReportsSettings.SloFileKey} does not load (checked at start)"));
        services.AddSingleton<OpsHistory>();
        services.AddSingleton<SloHistory>();
        services.AddTransient<TrafficReader>();
        services.AddTransient<OpsChecklistReader>();
        services.AddTransient<SloReportReader>();
        services.AddTransient<BurnRateReader>();
        services.AddTransient<PublishRollupReader>();
        services.AddTransient<IBundleSection, PublishRollupBundleSection>();
        services.AddTransient<ReceiverPoll>();
        services.AddTransient<AlertmanagerAcks>();
        services.AddTransient<GameDayAckStore>();
        services.AddTransient<GameDayRuns>();
    }
}
