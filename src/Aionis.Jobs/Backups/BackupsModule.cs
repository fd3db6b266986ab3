using Aionis.Data;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Aionis.Jobs.Backups;

internal sealed class BackupsModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<BackupSettings>(configuration);
        services.AddSingleton<PgClient>();
        services.AddSingleton<BackupTargets>();
        services.AddOptions<PgBackRestSettings>().Bind(configuration.GetSection(PgBackRestSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PgBackRestSettings>, PgBackRestSettings.Validator>();
        services.AddSingleton<PgBackRest>();
        services.AddTransient<PitrServerReader>();
        services.AddTransient<PitrSetup>();
        services.AddTransient(sp => new Aionis.Data.Backups.PitrArchiverStateStore(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddTransient(_ => new BackupDatabase(DatabaseConnection.Resolve(configuration)
            ?? throw new InvalidOperationException("no database configured (ConnectionStrings:Aionis or DATABASE_URL)")));
    }
}
