using Npgsql;

namespace Aionis.Jobs.Backups;

/// <summary>A table by schema and name.</summary>
public sealed record TableName(string Schema, string Table)
{
    public string QualifiedName => $"{Schema}.{Table}";

    /// <summary>Quoted identifiers: safe in SQL, and an exact match (no wildcards) as a pg_dump <c>--table</c> pattern.</summary>
    public string Quoted => $"{Quote(Schema)}.{Quote(Table)}";

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}

/// <summary>The tables pg_dump writes data for, and their exact row counts.</summary>
public static class DatabaseTables
{
    /// <summary>Ordinary tables (leaf partitions included) outside the system schemas that no extension owns.</summary>
    public static async Task<List<TableName>> ListAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT n.nspname, c.relname
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r'
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
             ORDER BY n.nspname, c.relname
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tables = new List<TableName>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(new TableName(reader.GetString(0), reader.GetString(1)));
        }
        return tables;
    }

    /// <summary>Exact counts, one <c>count(*)</c> per table, in whatever transaction (snapshot) the connection is in.</summary>
    public static async Task<List<TableRowCount>> CountRowsAsync(NpgsqlConnection connection, IEnumerable<TableName> tables, CancellationToken cancellationToken)
    {
        var counts = new List<TableRowCount>();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table.Quoted}", connection);
            var rows = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            counts.Add(new TableRowCount(table.Schema, table.Table, rows));
        }
        return counts;
    }
}
