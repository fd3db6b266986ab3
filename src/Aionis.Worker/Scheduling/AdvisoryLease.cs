using Npgsql;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// A PostgreSQL session advisory lock named by text (<c>hashtextextended(name, 0)</c>), held on its own connection for
/// as long as the lease lives: released on dispose, or by the server when the holding process dies.
/// </summary>
internal sealed class AdvisoryLease(NpgsqlConnection connection, string name) : IAsyncDisposable
{
    /// <summary>The lease on the first of <paramref name="names"/> that is free, or null when every one is held elsewhere.</summary>
    public static async Task<AdvisoryLease?> TryTakeAsync(NpgsqlDataSource dataSource, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            // Row by row with LIMIT 1: the scan stops at the first lock taken, so no second one is held by accident.
            await using var command = new NpgsqlCommand(
                "SELECT name FROM unnest($1::text[]) WITH ORDINALITY AS n(name, i) WHERE pg_try_advisory_lock(hashtextextended(name, 0)) ORDER BY i LIMIT 1",
                connection);
            command.Parameters.Add(new() { Value = names.ToArray() });
            if (await command.ExecuteScalarAsync(cancellationToken) is string taken) return new AdvisoryLease(connection, taken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", connection);
            command.Parameters.Add(new() { Value = name });
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The connection is gone, and with it the lock.
        }
        await connection.DisposeAsync();
    }
}
