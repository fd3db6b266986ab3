using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Backups;

public sealed class PitrBackupOptions : JobOptions, ISummaryFileOptions
{
    [Option("type", "pgBackRest backup type: full, diff (changes since the last full) or incr (changes since the last backup)",
        Required = true, Allowed = [PitrBackupTypes.Full, PitrBackupTypes.Diff, PitrBackupTypes.Incr])]
    public string Type { get; set; } = "";

    [Option("repo", "Back up into this repository of the stanza only (repo1, repo2… of pgbackrest.conf; two repositories = the cross-region copy); default: pgBackRest's choice", Min = 1, Max = 256)]
    public int? Repo { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }
}
