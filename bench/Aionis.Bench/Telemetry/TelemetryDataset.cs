using Aionis.Data;
using Npgsql;

namespace Aionis.Bench.Telemetry;

/// <summary>
/// A migrated database filled with production-shaped request telemetry, generated inside Postgres: 200 tenants (one with
/// 10 % of the traffic), 2,000 key prefixes (209 on the hot tenant, 9 on each other), five endpoints, 5 % errors,
/// over <c>days</c> ending now, ids increasing with time (or, with <c>timeOrdered: false</c>, each row at a random time of the
/// span, so ids and physical order say nothing about age). Indexes are dropped for the load and rebuilt, then ANALYZE.
/// With <c>AIONIS_BENCH_REUSE=1</c> (scripts/bench.sh keeps the cluster) a database generated earlier with the same shape
/// is used again, with the end time it was generated for.
/// </summary>
public static class TelemetryDataset
{
    public const string HotTenant = "tenant_hot";

    /// <summary><c>AIONIS_BENCH_TELEMETRY_SCALE</c> (default 1): a fraction of the benchmarks' row counts, for a quick smoke run.</summary>
    public static double Scale { get; } = double.TryParse(Environment.GetEnvironmentVariable("AIONIS_BENCH_TELEMETRY_SCALE"),
        System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var scale) ? scale : 1;
    public const string SmallTenant = "tenant_042";

    private const string InsertSql = """
        INSERT INTO control_tenants (tenant_id, display_name)
        SELECT t, t FROM (SELECT 'tenant_' || lpad(i::text, 3, '0') AS t FROM generate_series(0, 198) i UNION ALL SELECT 'tenant_hot') s
        ON CONFLICT DO NOTHING;
        INSERT INTO memory_request_telemetry (tenant_id, scope, endpoint, status_code, latency_ms, created_at, api_key_prefix)
        SELECT t.tenant, 'tenant:' || t.tenant || '::scope:default',
               (ARRAY['write','recall','recall_text','planning_context','context_assemble'])[1 + floor(r3 * 5)::int],
               CASE WHEN r4 < 0.95 THEN 200 WHEN r4 < 0.97 THEN 500 WHEN r4 < 0.985 THEN 429 ELSE 404 END,
               round((15 + 400 * r5 * r5)::numeric, 3)::float8,
               @end - @span + (CASE WHEN @time_ordered THEN g::float8 / @rows ELSE r7 END) * @span,
               CASE WHEN r6 < 0.1 THEN NULL ELSE t.tenant || '_k' || floor(r6 * t.keys)::int END
          FROM (SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, random() r7
                  FROM generate_series(1, @rows) g) s
         CROSS JOIN LATERAL (SELECT CASE WHEN r1 < 0.10 THEN 'tenant_hot' ELSE 'tenant_' || lpad(floor(r2 * 199)::int::text, 3, '0') END AS tenant,
                                    CASE WHEN r1 < 0.10 THEN 209 ELSE 9 END AS keys) t;
        """;

    /// <summary>
    /// Creates database <paramref name="name"/> (dropping an old one) with <paramref name="rows"/> telemetry rows ending at
    /// <paramref name="end"/>, or reuses it (see the class summary); returns its connection string and the data's end.
    /// </summary>
    public static async Task<(string ConnectionString, DateTimeOffset End)> EnsureAsync(string adminConnectionString, string name, long rows, int days,
        DateTimeOffset end, bool timeOrdered = true)
    {
        rows = (long)(rows * Scale);
        var shape = $"aionis-bench rows={rows} days={days} time_ordered={timeOrdered} end=";
        if (Environment.GetEnvironmentVariable("AIONIS_BENCH_REUSE") == "1")
        {
            await using var admin = new NpgsqlConnection(adminConnectionString);
            await admin.OpenAsync();
            await using var find = new NpgsqlCommand("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", admin);
            find.Parameters.Add(new NpgsqlParameter { Value = name });
            if (await find.ExecuteScalarAsync() is string comment && comment.StartsWith(shape, StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"reusing {name} ({comment})");
                return (ConnectionStringFor(adminConnectionString, name), DateTimeOffset.FromUnixTimeSeconds(long.Parse(comment[shape.Length..])));
            }
        }
        Console.Error.WriteLine($"generating {name}: {rows:N0} rows...");
        var connectionString = await CreateAsync(adminConnectionString, name, rows, days, end, timeOrdered);
        await AdminAsync(adminConnectionString, $"COMMENT ON DATABASE {name} IS '{shape}{end.ToUnixTimeSeconds()}'");
        return (connectionString, end);
    }

    private static async Task<string> CreateAsync(string adminConnectionString, string name, long rows, int days, DateTimeOffset end, bool timeOrdered)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await MigratedDatabase.CreateAsync(adminConnectionString, name)) { CommandTimeout = 0 }.ConnectionString;

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var indexes = new List<string>();
        await using (var list = new NpgsqlCommand("""
            SELECT indexdef FROM pg_indexes WHERE tablename = 'memory_request_telemetry' AND indexname NOT LIKE '%pkey'
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) indexes.Add(reader.GetString(0));
        }
        await ExecuteAsync(connection, """
            DO $$ DECLARE i text; BEGIN
              FOR i IN SELECT indexname FROM pg_indexes WHERE tablename = 'memory_request_telemetry' AND indexname NOT LIKE '%pkey' LOOP
                EXECUTE format('DROP INDEX %I', i);
              END LOOP;
            END $$
            """);
        await using (var insert = new NpgsqlCommand(InsertSql, connection))
        {
            insert.Parameters.AddWithValue("end", end);
            insert.Parameters.AddWithValue("span", TimeSpan.FromDays(days));
            insert.Parameters.AddWithValue("rows", rows);
            insert.Parameters.AddWithValue("time_ordered", timeOrdered);
            await insert.ExecuteNonQueryAsync();
        }
        foreach (var index in indexes) await ExecuteAsync(connection, index);
        await ExecuteAsync(connection, "VACUUM ANALYZE memory_request_telemetry");
        await ExecuteAsync(connection, "ANALYZE");
        return connectionString;
    }

    /// <summary>A copy of a database (file-level, fast): identical rows and physical layout for a fair comparison.</summary>
    public static async Task<string> CloneAsync(string adminConnectionString, string template, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await AdminAsync(adminConnectionString, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", $"CREATE DATABASE {name} TEMPLATE {template}");
        return ConnectionStringFor(adminConnectionString, name);
    }

    /// <summary>Drops a copy once measured: six copies of a 3M-row table are a few GB the benchmark no longer needs.</summary>
    public static async Task DropAsync(string adminConnectionString, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await AdminAsync(adminConnectionString, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    private static string ConnectionStringFor(string adminConnectionString, string name) =>
        DatabaseConnection.Normalize(new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, CommandTimeout = 0 }.ConnectionString);

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task AdminAsync(string adminConnectionString, params string[] statements)
    {
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync();
        foreach (var sql in statements) await ExecuteAsync(admin, sql);
    }
}
