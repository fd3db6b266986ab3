using System.Data;
using Npgsql;

namespace Aionis.Jobs.Backups;

/// <summary>
/// A REPEATABLE READ transaction whose snapshot is exported (<c>pg_export_snapshot()</c>): row counts read here and a
/// <c>pg_dump --snapshot=</c> started while it is open see exactly the same data. Disposing ends the transaction.
/// </summary>
public sealed class ExportedSnapshot : IAsyncDisposable
{
    private readonly NpgsqlTransaction _transaction;
    private bool _disposed;

    private ExportedSnapshot(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, string database, string serverVersion)
    {
        Connection = connection;
        _transaction = transaction;
        Id = id;
        Database = database;
        ServerVersion = serverVersion;
    }

    public NpgsqlConnection Connection { get; }
    public string Id { get; }
    public string Database { get; }
    public string ServerVersion { get; }

    public static async Task<ExportedSnapshot> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT pg_export_snapshot(), current_database(), current_setting('server_version')", connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new ExportedSnapshot(connection, transaction, reader.GetString(0), reader.GetString(1), reader.GetString(2));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Ends the transaction; call it as soon as pg_dump has imported the snapshot's data. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
