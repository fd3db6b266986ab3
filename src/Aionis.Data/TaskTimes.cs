using Npgsql;

namespace Aionis.Data;

/// <summary>Reads a query of (task_id, timestamptz or null) rows into a map by task id.</summary>
internal static class TaskTimes
{
    public static async Task<IReadOnlyDictionary<string, DateTimeOffset?>> ReadAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
        }
        return rows;
    }
}
