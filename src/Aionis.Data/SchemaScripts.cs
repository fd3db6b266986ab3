using System.Reflection;
using System.Text.RegularExpressions;

namespace Aionis.Data;

/// <summary>SQL the migrations run that EF does not model: Quartz's own tables, the views, the control-plane tables.</summary>
public static class SchemaScripts
{
    public const string QuartzTablePrefix = "worker.qrtz_";

    /// <summary>The resource inside Quartz.dll that <c>Sql/quartz_tables.sql</c> copies.</summary>
    public const string QuartzSchemaResource = "Quartz.Impl.AdoJobStore.Schema.create_postgres.sql";

    /// <summary>
    /// Quartz's PostgreSQL DDL with our prefix. Idempotent. <c>Sql/quartz_tables.sql</c> is a verbatim copy of the script
    /// Quartz.dll ships (<see cref="QuartzSchemaResource"/>), so that this project needs no Quartz reference (and the jobs,
    /// which reference it, none either); a test fails when a Quartz upgrade changes the shipped script.
    /// </summary>
    public static IEnumerable<string> QuartzTables() => Split(QuartzSchemaScript()
        .Replace("{0}", QuartzTablePrefix, StringComparison.Ordinal)
        .Replace("{1}", "qrtz_", StringComparison.Ordinal));

    /// <summary>The copy of Quartz's script as embedded, placeholders unresolved.</summary>
    public static string QuartzSchemaScript() => Embedded("quartz_tables.sql");

    /// <summary>
    /// Drops the worker's views and creates them from <c>Sql/worker_views.sql</c>, their one source. Only the latest
    /// migration that changes a view calls this (earlier ones ran against older tables and keep what they created then),
    /// so a fresh install and an upgrade end with the same views.
    /// </summary>
    public static IEnumerable<string> RecreateWorkerViews() =>
        new[] { "DROP VIEW IF EXISTS worker.recent_failures", "DROP VIEW IF EXISTS worker.task_status" }
            .Concat(Split(Embedded("worker_views.sql")));

    /// <summary>The incident log's tables and indexes (migration 20261202000000_Incidents). Idempotent.</summary>
    public static IEnumerable<string> IncidentTables() => Split(Embedded("incidents.sql"));

    /// <summary>The Aionis control-plane tables in <c>public</c>, for standalone and demo databases. Idempotent.</summary>
    public static IEnumerable<string> ControlPlaneTables() => Split(Embedded("control_plane.sql"));

    private static string Embedded(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Aionis.Data.Sql.{name}")
            ?? throw new InvalidOperationException($"missing embedded script {name}");
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>Statements are separated by a line reading exactly <c>--;;</c> (Quartz's convention, kept for ours).</summary>
    private static IEnumerable<string> Split(string script) =>
        Regex.Split(script.Replace("\r\n", "\n"), @"^--;;[ \t]*$", RegexOptions.Multiline).Select(s => s.Trim())
            .Where(s => s.Split('\n').Any(line => line.Trim() is { Length: > 0 } l && !l.StartsWith("--", StringComparison.Ordinal)));
}
