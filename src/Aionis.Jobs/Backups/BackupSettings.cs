namespace Aionis.Jobs.Backups;

/// <summary>The <c>Backups</c> configuration section.</summary>
public sealed class BackupSettings
{
    public const string Section = "Backups";

    /// <summary>Folder holding pg_dump and pg_restore; empty = the newest <c>/usr/lib/postgresql/N/bin</c>, else PATH.</summary>
    public string? PgBinDirectory { get; set; }
}
