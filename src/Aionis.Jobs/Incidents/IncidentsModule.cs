using Aionis.Data.Incidents;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Aionis.Jobs.Incidents;

internal sealed class IncidentsModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IncidentSettings>().Configure(s => IncidentSettings.Bind(s, configuration)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IncidentSettings>, IncidentSettingsValidation>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<IncidentSettings>>().Value);
        services.AddSingleton(sp => TriagePolicyLoader.Load(sp.GetRequiredService<IncidentSettings>().PolicyFile));
        services.AddSingleton(sp => new JsonlIncidentStore(sp.GetRequiredService<IncidentSettings>().Directory));
        services.AddSingleton<IncidentStore>();
        services.AddSingleton<OperatorAlertFeed>();
        services.AddSingleton<IncidentReports>();
        services.AddSingleton<IncidentReviews>();
        services.AddSingleton<IncidentRetention>();
        services.AddSingleton<PostgresIncidentBackend>();
        services.AddSingleton<JsonlBacklogMover>();
        services.AddSingleton<AutoIncidentBackend>();
        services.AddSingleton<IIncidentBackend>(Backend);
        services.AddSingleton<IncidentLog>();
        services.AddTransient<TriageSources>();
        services.AddTransient<WeeklyDigestReader>();
    }

    private static IIncidentBackend Backend(IServiceProvider services)
    {
        var settings = services.GetRequiredService<IncidentSettings>();
        var database = services.GetService<NpgsqlDataSource>() is not null;
        return settings.Backend switch
        {
            IncidentSettings.Jsonl => services.GetRequiredService<JsonlIncidentStore>(),
            IncidentSettings.Postgres when !database => throw new IncidentRequestException(
                "Incidents:Backend 'postgres' needs a database: set ConnectionStrings__Aionis or DATABASE_URL (or use jsonl)"),
            IncidentSettings.Postgres => services.GetRequiredService<PostgresIncidentBackend>(),
            // auto without any database configured has only the files.
            _ when !database => services.GetRequiredService<JsonlIncidentStore>(),
            _ => services.GetRequiredService<AutoIncidentBackend>(),
        };
    }
}
