using Aionis.Data;
using Npgsql;

namespace Aionis.Jobs.Backups;

/// <summary>The database the worker is configured for (<c>ConnectionStrings:Aionis</c> or <c>DATABASE_URL</c>): what backup-create dumps.</summary>
public sealed record BackupDatabase(string ConnectionString)
{
    /// <summary>Host, port and database for messages and summaries; never the password.</summary>
    public string Description => DatabaseConnection.Describe(ConnectionString);

    public string Name => new NpgsqlConnectionStringBuilder(ConnectionString).Database ?? "";
}
