using System.Text.Json;
using System.Text.Json.Nodes;

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

    /// <summary>Names of drill scratch databases currently on the server.</summary>
    public static async Task<List<string>> ScratchDatabasesAsync(this TestDatabase db) =>
        (await db.RowsAsync("SELECT datname FROM pg_database WHERE datname LIKE 'aionis\\_drill\\_%' ORDER BY datname"))
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
