using Aionis.Jobs.Framework;
using System.CommandLine;
using Aionis.Data;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Worker.Cli;

/// <summary><c>aionis db migrate [--control-plane] [--dry-run]</c>.</summary>
public static class DbCommand
{
    public static Command Create()
    {
        var controlPlane = new Option<bool>("--control-plane") { Description = "Also create the Aionis control-plane tables in public (standalone and demo databases)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the DDL instead of running it" };
        var migrate = new Command("migrate", "Create or upgrade the worker schema and Quartz tables (idempotent)") { controlPlane, dryRun };
        migrate.SetAction(async (parse, cancellationToken) =>
        {
            using var services = CliServices.Build(parse);
            var connectionString = services.GetRequiredService<DatabaseSettings>().Require();
            var migrator = new DatabaseMigrator(connectionString);
            if (parse.GetValue(dryRun))
            {
                Console.Out.WriteLine(migrator.Script(parse.GetValue(controlPlane)));
                return ExitCodes.Ok;
            }
            try
            {
                var pending = await migrator.PendingAsync(cancellationToken);
                await migrator.MigrateAsync(parse.GetValue(controlPlane), cancellationToken);
                Console.Error.WriteLine(pending.Count == 0
                    ? $"aionis db migrate: worker schema up to date on {DatabaseConnection.Describe(connectionString)}"
                    : $"aionis db migrate: applied {string.Join(", ", pending)} on {DatabaseConnection.Describe(connectionString)}");
                if (parse.GetValue(controlPlane))
                {
                    Console.Error.WriteLine("aionis db migrate: control-plane tables present");
                }
                return ExitCodes.Ok;
            }
            catch (Exception e) when (DatabaseFailures.IsUnreachable(e))
            {
                return RunOutput.Fail(ExitCodes.DatabaseUnavailable, $"could not reach the database {DatabaseConnection.Describe(connectionString)}: {e.Message}");
            }
        });
        return new Command("db", "Database schema commands") { migrate };
    }
}
