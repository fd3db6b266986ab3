using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aionis.Jobs.Backups;

/// <summary>One stanza of <c>pgbackrest info --output=json</c> (the fields the PITR jobs read; pgBackRest 2.45 layout).</summary>
public sealed record PgBackRestStanzaInfo(
    string Name,
    PgBackRestStatus Status,
    IReadOnlyList<PgBackRestArchive>? Archive,
    IReadOnlyList<PgBackRestBackup>? Backup)
{
    internal static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower };

    public IReadOnlyList<PgBackRestBackup> Backups => Backup ?? [];

    /// <summary>The newest backup that satisfies a schedule of <paramref name="type"/>: a newer full also counts for diff and incr, a diff for incr.</summary>
    public PgBackRestBackup? NewestCovering(string type) => Backups
        .Where(b => b.Error != true && PitrBackupTypes.Covers(b.Type, type))
        .MaxBy(b => b.Timestamp.Stop);
}

public sealed record PgBackRestStatus(int Code, string Message);

public sealed record PgBackRestArchive(string Id, string? Min, string? Max, PgBackRestDatabaseRef Database);

public sealed record PgBackRestDatabaseRef(int Id, [property: JsonPropertyName("repo-key")] int RepoKey);

public sealed record PgBackRestBackup(
    string Label,
    string Type,
    bool? Error,
    PgBackRestRange? Archive,
    PgBackRestRange? Lsn,
    PgBackRestTimestamps Timestamp,
    PgBackRestBackupSize Info,
    PgBackRestDatabaseRef Database,
    string? Prior)
{
    public DateTimeOffset StartedAt => DateTimeOffset.FromUnixTimeSeconds(Timestamp.Start);
    public DateTimeOffset StoppedAt => DateTimeOffset.FromUnixTimeSeconds(Timestamp.Stop);
}

public sealed record PgBackRestRange(string? Start, string? Stop);

public sealed record PgBackRestTimestamps(long Start, long Stop);

public sealed record PgBackRestBackupSize(long Size, long Delta, PgBackRestRepoSize Repository);

public sealed record PgBackRestRepoSize(long Size, long Delta);

/// <summary>pgBackRest's backup types and how they stand in for one another in a freshness check.</summary>
public static class PitrBackupTypes
{
    public const string Full = "full";
    public const string Diff = "diff";
    public const string Incr = "incr";

    public static readonly string[] All = [Full, Diff, Incr];

    /// <summary>A full backup is also the newest diff and incr base; a diff is also an incr base.</summary>
    public static bool Covers(string backupType, string scheduleType) =>
        Array.IndexOf(All, backupType) is var rank and >= 0 && rank <= Array.IndexOf(All, scheduleType);
}
