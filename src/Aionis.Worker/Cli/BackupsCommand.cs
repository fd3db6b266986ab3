using System.CommandLine;
using Aionis.Jobs.Backups;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Worker.Cli;

/// <summary><c>aionis backups pitr-setup [--create-stanza]</c>: is the database server ready for point-in-time recovery?</summary>
public static class BackupsCommand
{
    public static Command Create()
    {
        var createStanza = new Option<bool>("--create-stanza")
        {
            Description = "When the server's settings are right: run 'pgbackrest stanza-create' and 'pgbackrest check' for Backups:PgBackRest:Stanza",
        };
        var setup = new Command("pitr-setup", """
            Check the worker's database server for WAL archiving with pgBackRest (archive_mode, archive_command naming the
            stanza, archive_timeout <= 60s, wal_level) and print exactly what to change in postgresql.conf and pgbackrest.conf.
            Changes nothing unless --create-stanza is given. Exit 0 ready, 64 something to change, 1 stanza creation failed.
            """) { createStanza };
        setup.SetAction(async (parse, cancellationToken) =>
        {
            using var services = CliServices.Build(parse);
            services.GetRequiredService<DatabaseSettings>().Require();
            try
            {
                var pitr = services.GetRequiredService<PitrSetup>();
                var report = await pitr.CheckAsync(cancellationToken);
                Print(report);
                if (!report.ServerOk) return ExitCodes.Usage;
                if (report.StanzaExists) return ExitCodes.Ok;
                if (!parse.GetValue(createStanza))
                {
                    Console.Out.WriteLine($"stanza '{report.Stanza}' does not exist yet ({report.StanzaStatus}): run 'aionis backups pitr-setup --create-stanza'");
                    return ExitCodes.Usage;
                }
                await pitr.CreateStanzaAsync(cancellationToken);
                Console.Out.WriteLine($"stanza '{report.Stanza}' created; 'pgbackrest check' archived a WAL segment into it");
                return ExitCodes.Ok;
            }
            catch (OptionBindingException e)
            {
                return RunOutput.OptionErrors("backups pitr-setup", e);
            }
            catch (PgBackRestException e)
            {
                return RunOutput.Fail(ExitCodes.RuntimeError, e.Message);
            }
        });
        return new Command("backups", "Backup setup commands (point-in-time recovery with pgBackRest)") { setup };
    }

    private static void Print(PitrSetupReport report)
    {
        foreach (var s in report.Settings)
        {
            Console.Out.WriteLine(s.Ok ? $"ok   {s.Setting} = {s.Current}" : $"FIX  {s.Setting} = '{s.Current}': must be {s.Required}");
        }
        var fixes = report.Settings.Where(s => !s.Ok).ToList();
        if (fixes.Count > 0)
        {
            Console.Out.WriteLine();
            Console.Out.WriteLine("Set in postgresql.conf (or ALTER SYSTEM SET …), then " +
                (fixes.Any(f => f.Apply == "restart") ? "restart the server" : "reload (SELECT pg_reload_conf())") + ":");
            foreach (var fix in fixes) Console.Out.WriteLine($"    {fix.Fix}");
        }
        if (!report.StanzaExists || fixes.Count > 0)
        {
            Console.Out.WriteLine();
            Console.Out.WriteLine($"pgbackrest.conf (Backups:PgBackRest:ConfigPath) must hold the stanza, e.g.:");
            foreach (var line in report.PgBackRestConf) Console.Out.WriteLine(line.Length == 0 ? "" : $"    {line}");
        }
    }
}
