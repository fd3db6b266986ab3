using Npgsql;

namespace Aionis.Bench.Scale;

/// <summary>A migrated database of the benchmark's own (worker schema and control plane), dropped when disposed.</summary>
internal sealed class ScaleDatabase : IAsyncDisposable
{
    private readonly BenchContext _context;

    private ScaleDatabase(BenchContext context, string name, string connectionString)
    {
        _context = context;
        Name = name;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string Name { get; }
    public string ConnectionString { get; }
    public NpgsqlDataSource DataSource { get; }

    public static async Task<ScaleDatabase> CreateAsync(BenchContext context, string name)
    {
        var connectionString = await MigratedDatabase.CreateAsync(context.PostgresAdmin, name);
        return new ScaleDatabase(context, name, connectionString);
    }

    /// <summary>The environment that points the real <c>aionis</c> binary at this database, as a node named <paramref name="node"/>.</summary>
    public Dictionary<string, string?> EnvironmentFor(string node)
    {
        var root = Path.Combine(_context.WorkDirectory, Name, node);
        return new Dictionary<string, string?>
        {
            ["ConnectionStrings__Aionis"] = ConnectionString,
            ["DATABASE_URL"] = null,
            ["Worker__NodeName"] = node,
            ["Worker__ArtifactsRoot"] = Path.Combine(root, "artifacts"),
            ["Worker__SpoolDirectory"] = Path.Combine(root, "spool"),
        };
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 1200;
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 600;
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>One md5 per row of the registry's trigger rows (keyed by task): what a sync touched, row by row.</summary>
    public async Task<Dictionary<string, string>> TriggerRowsAsync()
    {
        await using var command = DataSource.CreateCommand("""
            SELECT t.trigger_name, md5(t::text || coalesce(c::text, ''))
              FROM worker.qrtz_triggers t
              LEFT JOIN worker.qrtz_cron_triggers c USING (sched_name, trigger_name, trigger_group)
             WHERE t.trigger_group = 'registry'
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = reader.GetString(1);
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await AdminAsync(_context, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private static async Task AdminAsync(BenchContext context, string sql)
    {
        await using var admin = new NpgsqlConnection(context.PostgresAdmin);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync();
    }
}
