using System.CommandLine;
using Aionis.Data;
using Aionis.Jobs.Framework;
using Aionis.Jobs.Telemetry;
using Aionis.Worker.Configuration;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Worker.Cli;

/// <summary><c>aionis db migrate [--control-plane] [--dry-run]</c>, <c>aionis db tune --telemetry-index [--dry-run]</c>.</summary>
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
            catch (Exception e) when (PostgresFailures.IsUnreachable(e))
            {
                return RunOutput.Fail(ExitCodes.DatabaseUnavailable, $"could not reach the database {DatabaseConnection.Describe(connectionString)}: {e.Message}");
            }
        });
        return new Command("db", "Database schema commands") { migrate, Tune() };
    }

    private static Command Tune()
    {
        var telemetryIndex = new Option<bool>("--telemetry-index")
        {
            Description = $"Create the covering index {TelemetryIndex.Name} on memory_request_telemetry (tenant_id, created_at) " +
                "INCLUDE (endpoint, status_code, latency_ms, api_key_prefix), CONCURRENTLY: faster timeseries and key-usage reports, " +
                "slower inserts and more disk (docs/jobs/telemetry.md). Only for installations that own their telemetry table",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the DDL that would run and change nothing" };
        var tune = new Command("tune", "Optional performance DDL, off unless asked for") { telemetryIndex, dryRun };
        tune.SetAction(async (parse, cancellationToken) =>
        {
            if (!parse.GetValue(telemetryIndex))
            {
                return RunOutput.Fail(ExitCodes.Usage, "aionis db tune: nothing to do; allowed: --telemetry-index");
            }
            using var services = CliServices.Build(parse);
            var connectionString = services.GetRequiredService<DatabaseSettings>().Require();
            var index = services.GetRequiredService<TelemetryIndex>();
            try
            {
                if (parse.GetValue(dryRun))
                {
                    var plan = await index.PlanAsync(cancellationToken);
                    Console.Out.WriteLine(plan.Count == 0 ? $"-- {TelemetryIndex.Name} is already present and valid; nothing to run" : string.Join(";\n", plan) + ";");
                    return ExitCodes.Ok;
                }
                var outcome = await index.CreateAsync(cancellationToken);
                Console.Error.WriteLine(outcome switch
                {
                    TelemetryIndexOutcome.AlreadyPresent => $"aionis db tune: {TelemetryIndex.Name} already present on {DatabaseConnection.Describe(connectionString)}",
                    TelemetryIndexOutcome.Rebuilt => $"aionis db tune: dropped an invalid {TelemetryIndex.Name} (interrupted build) and built it again on {DatabaseConnection.Describe(connectionString)}",
                    _ => $"aionis db tune: created {TelemetryIndex.Name} on {DatabaseConnection.Describe(connectionString)}",
                });
                return ExitCodes.Ok;
            }
            catch (Exception e) when (PostgresFailures.IsUnreachable(e))
            {
                return RunOutput.Fail(ExitCodes.DatabaseUnavailable, $"could not reach the database {DatabaseConnection.Describe(connectionString)}: {e.Message}");
            }
            catch (Exception e) when (PostgresFailures.IsUndefinedTable(e))
            {
                return RunOutput.Fail(ExitCodes.RuntimeError, $"aionis db tune: {RequestTelemetry.Table} does not exist on {DatabaseConnection.Describe(connectionString)}");
            }
        });
        return tune;
    }
}
