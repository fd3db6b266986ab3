using Aionis.Data;
using Npgsql;

namespace Aionis.Tests.Support;

/// <summary>A fresh database cloned from the migrated template (worker schema + control-plane tables), dropped on dispose.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string Name { get; }
    public string ConnectionString { get; }
    public NpgsqlDataSource DataSource { get; }

    public static Task<TestDatabase> CreateAsync() => CreateAsync(GlobalSetup.TemplateDatabase);

    /// <summary>A database with no worker schema at all, as a new installation finds it.</summary>
    public static Task<TestDatabase> CreateUnmigratedAsync() => CreateAsync("template0");

    private static async Task<TestDatabase> CreateAsync(string template)
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await AdminAsync($"CREATE DATABASE {name} TEMPLATE {template}");
        // CommandTimeout: a run a test holds on a lock of its own (TableLock) is long by design; Npgsql's default of
        // 30 s ended it on a loaded machine while the test still waited for a second node to start.
        var builder = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = name, CommandTimeout = 300 };
        return new TestDatabase(name, DatabaseConnection.Normalize(builder.ConnectionString));
    }

    public async Task<int> ExecuteAsync(string sql, params object?[] args)
    {
        await using var command = Command(sql, args);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params object?[] args)
    {
        await using var command = Command(sql, args);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T));
    }

    public async Task<List<Dictionary<string, object?>>> RowsAsync(string sql, params object?[] args)
    {
        await using var command = Command(sql, args);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>();
            for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>An md5 over every row of each table, in a stable order: equal fingerprints = byte-identical contents.</summary>
    public async Task<string> FingerprintAsync(params string[] tables)
    {
        var parts = new List<string>();
        foreach (var table in tables)
        {
            parts.Add(table + ":" + await ScalarAsync<string>(
                $"SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), 'empty') FROM {table} t"));
        }
        return string.Join(";", parts);
    }

    /// <summary>Every control-plane table, for dry-run before/after comparisons.</summary>
    public Task<string> ControlPlaneFingerprintAsync() => FingerprintAsync(
        "control_tenants", "control_projects", "control_api_keys", "control_tenant_quotas", "control_audit_events",
        "memory_request_telemetry", "control_alert_routes", "control_alert_deliveries", "control_incident_publish_jobs");

    private NpgsqlCommand Command(string sql, object?[] args)
    {
        var command = DataSource.CreateCommand(sql);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg ?? DBNull.Value });
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await AdminAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private static async Task AdminAsync(string sql)
    {
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync();
    }
}
