using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Backups;

/// <summary>The <c>Backups</c> configuration section.</summary>
public sealed class BackupSettings : ICheckedSettings
{
    public const string Section = "Backups";

    /// <summary>Folder holding pg_dump and pg_restore; empty = the newest <c>/usr/lib/postgresql/N/bin</c>, else PATH.</summary>
    [Setting($"{Section}:PgBinDirectory")]
    public string? PgBinDirectory { get; set; }

    public IEnumerable<string> Problems()
    {
        if (PgBinDirectory is { Length: > 0 } bin && !File.Exists(Path.Combine(bin, "pg_dump")))
        {
            yield return $"{Section}:PgBinDirectory '{bin}': allowed a folder that holds pg_dump and pg_restore";
        }
    }
}
