using Npgsql;

namespace Aionis.Jobs.Telemetry;

/// <summary>
/// Runs a report statement in a short transaction of its own with <c>SET LOCAL work_mem</c>
/// (<see cref="TelemetrySettings.WorkMem"/>), so its sorts and hash tables stay in memory without changing the server's
/// setting or any other session; the setting ends with the transaction, before the connection goes back to the pool.
/// </summary>
public sealed class TelemetryStatements(NpgsqlDataSource dataSource, TelemetrySettings settings)
{
    public const string ParallelTupleCost = "0.01";

    public async Task<T> QueryAsync<T>(string sql, IReadOnlyList<object> parameters, Func<NpgsqlDataReader, Task<T>> read, CancellationToken cancellationToken,
        bool preferParallel = false)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var setting = new NpgsqlBatchCommand(preferParallel
            ? "SELECT set_config('work_mem', $1, true), set_config('parallel_tuple_cost', $2, true)"
            : "SELECT set_config('work_mem', $1, true)");
        setting.Parameters.Add(new NpgsqlParameter { Value = settings.WorkMemSetting() });
        if (preferParallel) setting.Parameters.Add(new NpgsqlParameter { Value = ParallelTupleCost });
        var query = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters) query.Parameters.Add(new NpgsqlParameter { Value = value });
        batch.BatchCommands.Add(setting);
        batch.BatchCommands.Add(query);
        T result;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            result = await read(reader);
        }
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
