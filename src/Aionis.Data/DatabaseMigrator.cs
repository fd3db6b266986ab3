using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Aionis.Data;

/// <summary><c>aionis db migrate</c>: the worker schema and Quartz tables, optionally the control-plane tables. Idempotent.</summary>
public sealed class DatabaseMigrator(string connectionString)
{
    public async Task MigrateAsync(bool controlPlane, CancellationToken cancellationToken = default)
    {
        if (controlPlane)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            foreach (var statement in SchemaScripts.ControlPlaneTables())
            {
                await using var command = new NpgsqlCommand(statement, connection);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await using var context = new WorkerDbContext(WorkerDbContext.CreateOptions(connectionString));
        await context.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>The DDL <see cref="MigrateAsync"/> would run, as an idempotent script (for <c>--dry-run</c>).</summary>
    public string Script(bool controlPlane)
    {
        using var context = new WorkerDbContext(WorkerDbContext.CreateOptions(connectionString));
        var migrator = context.GetService<IMigrator>();
        var worker = migrator.GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        return controlPlane
            ? string.Join(";\n\n", SchemaScripts.ControlPlaneTables()) + ";\n\n" + worker
            : worker;
    }

    /// <summary>
    /// Migrations not yet applied (empty = up to date). Plain SQL against EF's history table: <c>serve</c> checks this at
    /// every start, and loading EF Core for it would cost time and tens of MB of memory for the process' life.
    /// </summary>
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT \"MigrationId\" FROM {WorkerDbContext.Schema}.{WorkerDbContext.MigrationsHistoryTable}",
            connection);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetString(0));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No history table yet: everything is pending.
        }
        return WorkerMigrations.All.Where(id => !applied.Contains(id)).ToList();
    }
}
