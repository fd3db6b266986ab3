using System.Text.Json;
using System.Text.Json.Nodes;
using Aionis.Jobs.Backups;

namespace Aionis.Tests.Support;

/// <summary>Rows worth backing up, and what a backup left at a local target.</summary>
public static class BackupsRows
{
    /// <summary>Three tenants with keys, audit events and telemetry: enough rows in enough tables to notice a bad restore.</summary>
    public static async Task AddBackupWorthyRowsAsync(this TestDatabase db, DateTimeOffset at)
    {
        foreach (var tenant in new[] { "acme", "globex", "initech" })
        {
            await db.AddKeyAsync(tenant, $"ak_live_{tenant}", at.AddDays(-10));
            await db.AddRotationAuditAsync(tenant, at.AddDays(-3));
            await db.AddTelemetryAsync(tenant, "write", at.AddHours(-1), count: 50);
        }
    }

    /// <summary>
    /// Names of drill scratch databases (named after their run) still on the server for the runs in this test's history.
    /// Other fixtures' drills, running in parallel on the same server, have scratch databases of their own.
    /// </summary>
    public static async Task<List<string>> ScratchDatabasesAsync(this TestDatabase db) =>
        (await db.RowsAsync("""
            SELECT datname FROM pg_database
             WHERE datname IN (SELECT $1 || replace(run_id::text, '-', '') FROM worker.job_runs)
             ORDER BY datname
            """, ScratchDatabase.NamePrefix))
            .Select(r => (string)r["datname"]!).ToList();

    /// <summary>The backup folders at a local target, oldest first.</summary>
    public static List<string> BackupIdsAt(string target) => Directory.Exists(target)
        ? Directory.GetDirectories(target).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal).ToList()
        : [];

    public static JsonObject ReadManifest(string backupFolder) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(backupFolder, "backup_manifest.json")))!.AsObject();

    public static void WriteManifest(string backupFolder, JsonObject manifest) =>
        File.WriteAllText(Path.Combine(backupFolder, "backup_manifest.json"), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}
