using Npgsql;

namespace Aionis.Jobs.Backups;

/// <summary>
/// A throwaway database for a restore drill, named <c>aionis_drill_&lt;run&gt;</c> so anyone who finds one knows what it
/// is. Created from template0 (the dump brings its own extensions and schemas); always dropped <c>WITH (FORCE)</c>.
/// </summary>
public sealed class ScratchDatabase
{
    public const string NamePrefix = "aionis_drill_";

    public ScratchDatabase(string serverConnectionString, Guid runId)
    {
        Name = NamePrefix + runId.ToString("N");
        ServerConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Pooling = false }.ConnectionString;
        ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = Name }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>Any database on the scratch server: where CREATE and DROP DATABASE are issued.</summary>
    public string ServerConnectionString { get; }

    /// <summary>The scratch database itself (no pooling: nothing may hold it open when it is dropped).</summary>
    public string ConnectionString { get; }

    public string Description => Aionis.Data.DatabaseConnection.Describe(ConnectionString);

    public Task CreateAsync(CancellationToken cancellationToken) =>
        ExecuteAsync(ServerConnectionString, $"CREATE DATABASE {Name} TEMPLATE template0", cancellationToken);

    public Task DropAsync(CancellationToken cancellationToken) =>
        ExecuteAsync(ServerConnectionString, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", cancellationToken);

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
