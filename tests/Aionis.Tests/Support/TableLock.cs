using Npgsql;

namespace Aionis.Tests.Support;

/// <summary>
/// Holds <c>LOCK TABLE … IN ACCESS EXCLUSIVE MODE</c> in an open transaction, so whatever reads the table blocks. By
/// default the key table: any run of hosted-key-rotation-sla blocks, a reliably long (or hung) job for the daemon tests.
/// </summary>
public sealed class TableLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private NpgsqlTransaction? _transaction;

    private TableLock(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<TableLock> HoldAsync(string connectionString, string table = "control_api_keys")
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand($"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", connection, transaction);
        await command.ExecuteNonQueryAsync();
        return new TableLock(connection, transaction);
    }

    /// <summary>Lets what it blocked go on.</summary>
    public async Task ReleaseAsync()
    {
        if (_transaction is null) return;
        await _transaction.RollbackAsync();
        await _transaction.DisposeAsync();
        _transaction = null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ReleaseAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The server went away (outage tests): the lock went with it.
        }
        await _connection.DisposeAsync();
    }
}
