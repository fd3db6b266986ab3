using Aionis.Data;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Jobs.Backups;

internal sealed class BackupsModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<BackupSettings>(configuration);
        services.AddSingleton<PgClient>();
        services.AddSingleton<BackupTargets>();
        services.AddTransient(_ => new BackupDatabase(DatabaseConnection.Resolve(configuration)
            ?? throw new InvalidOperationException("no database configured (ConnectionStrings:Aionis or DATABASE_URL)")));
    }
}
