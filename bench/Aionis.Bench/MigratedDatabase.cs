using Aionis.Data;
using Npgsql;

namespace Aionis.Bench;

/// <summary>A benchmark's own database: dropped if an earlier run left it, created, and migrated (worker schema and control plane).</summary>
internal static class MigratedDatabase
{
    /// <returns>The connection string of the new database.</returns>
    public static async Task<string> CreateAsync(string adminConnectionString, string name)
    {
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync();
            foreach (var sql in new[] { $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", $"CREATE DATABASE {name}" })
            {
                await using var command = new NpgsqlCommand(sql, admin);
                await command.ExecuteNonQueryAsync();
            }
        }
        var connectionString = DatabaseConnection.Normalize(new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString);
        await new DatabaseMigrator(connectionString).MigrateAsync(controlPlane: true);
        return connectionString;
    }
}
