using Npgsql;

namespace Aionis.Jobs.Backups;

/// <summary>The drill's verification queries, run in the restored copy.</summary>
public static class RestoredCopyReader
{
    /// <summary>Exact row counts of the <paramref name="biggest"/> largest tables (by total relation size) of the database.</summary>
    public static async Task<List<RestoredTable>> CountBiggestAsync(NpgsqlConnection connection, int biggest, CancellationToken cancellationToken)
    {
        var tables = new List<TableName>();
        await using (var command = new NpgsqlCommand("""
            SELECT n.nspname, c.relname
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
             ORDER BY pg_total_relation_size(c.oid) DESC, n.nspname, c.relname
             LIMIT $1
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = biggest });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) tables.Add(new TableName(reader.GetString(0), reader.GetString(1)));
        }
        return (await DatabaseTables.CountRowsAsync(connection, tables, cancellationToken))
            .Select(c => new RestoredTable(c.QualifiedName, c.Rows, null, null))
            .ToList();
    }

    /// <summary>
    /// Row count, newest <paramref name="column"/> (created_at) and that row's <c>id</c> (null when the table has no id column; among rows of one
    /// transaction, which share created_at, the highest id) of one table or
    /// view; a name without a schema resolves through the search path, as in psql.
    /// </summary>
    public static async Task<RestoredTable> ReadNewestAsync(NpgsqlConnection connection, string table, string column, CancellationToken cancellationToken)
    {
        var quoted = string.Join('.', table.Split('.').Select(part => "\"" + part + "\""));
        var time = $"t.\"{column}\"";
        await using var command = new NpgsqlCommand($"""
            SELECT (SELECT count(*) FROM {quoted}), newest.created_at, newest.id
              FROM (SELECT 1) one
              LEFT JOIN LATERAL (SELECT {time}::timestamptz AS created_at, to_jsonb(t) ->> 'id' AS id
                                   FROM {quoted} t
                                  ORDER BY {time} DESC NULLS LAST, length(to_jsonb(t) ->> 'id') DESC, to_jsonb(t) ->> 'id' DESC
                                  LIMIT 1) newest ON true
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new RestoredTable(table, reader.GetInt64(0),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }
}
