using System.Text.Json;
using System.Text.Json.Serialization;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Backups;

/// <summary>A table of a backup and its row count, taken in the dump's own snapshot.</summary>
public sealed record TableRowCount(string Schema, string Table, long Rows)
{
    [JsonIgnore]
    public string QualifiedName => $"{Schema}.{Table}";
}

/// <summary>The <c>--tables</c> / <c>--exclude-table</c> patterns a backup was taken with (both empty: the whole database).</summary>
public sealed record BackupSelection(IReadOnlyList<string> Tables, IReadOnlyList<string> ExcludeTables);

/// <summary><c>backup_manifest.json</c>, written beside the dump: what the dump holds and how to check it.</summary>
public sealed record BackupManifest(
    string BackupId,
    string Database,
    string ServerVersion,
    string Format,
    string DumpFile,
    long DumpSizeBytes,
    string DumpSha256,
    BackupSelection Selection,
    IReadOnlyList<TableRowCount> Tables,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt)
{
    public const string FileName = "backup_manifest.json";

    /// <summary><c>globals.sql</c> (roles, tablespaces) when the backup was taken with <c>--globals</c>; else null.</summary>
    public string? GlobalsFile { get; init; }

    public string? GlobalsSha256 { get; init; }

    public long TotalRows => Tables.Sum(t => t.Rows);

    /// <summary>Writes the manifest into <paramref name="folder"/> and fsyncs it (the file must not exist yet).</summary>
    public Task WriteAsync(string folder, CancellationToken cancellationToken) =>
        DurableFiles.WriteAsync(Path.Combine(folder, FileName), JobJson.Serialize(this) + "\n", cancellationToken);

    public static async Task<BackupManifest> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<BackupManifest>(stream, JobJson.Options, cancellationToken)
            ?? throw new InvalidDataException($"{path} is empty");
    }
}
