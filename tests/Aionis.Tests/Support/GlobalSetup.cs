using Aionis.Data;
using Aionis.Tests.Support;
using Npgsql;

namespace Aionis.Tests;

/// <summary>Once per test run: a template database with the worker schema and the control-plane tables, cloned per fixture.</summary>
[SetUpFixture]
public sealed class GlobalSetup
{
    public const string TemplateDatabase = "aionis_template";

    [OneTimeSetUp]
    public async Task CreateTemplateAsync()
    {
        await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {TemplateDatabase} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {TemplateDatabase}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var template = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = TemplateDatabase, Pooling = false };
        await new DatabaseMigrator(DatabaseConnection.Normalize(template.ConnectionString)).MigrateAsync(controlPlane: true);
    }
}
