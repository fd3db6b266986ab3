using Npgsql;

namespace Aionis.Tests.Support;

/// <summary>
/// Holds <c>LOCK TABLE control_api_keys IN ACCESS EXCLUSIVE MODE</c> in an open transaction, so any run of
/// hosted-key-rotation-sla blocks: a reliably long (or hung) job for the daemon tests.
/// </summary>
public sealed class KeyTableLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private NpgsqlTransaction? _transaction;

    private KeyTableLock(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    public static async Task<KeyTableLock> HoldAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("LOCK TABLE control_api_keys IN ACCESS EXCLUSIVE MODE", connection, transaction);
        await command.ExecuteNonQueryAsync();
        return new KeyTableLock(connection, transaction);
    }

    /// <summary>Lets the blocked job go on.</summary>
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
