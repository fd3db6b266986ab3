using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Backups;

public sealed class BackupDrillOptions : JobOptions, IStrictOptions, ISummaryFileOptions
{
    [Option("source", "Target the backups were published to (s3://, gs://, az://, file:// or a path)", Required = true)]
    public string Source { get; set; } = "";

    [Option("backup", "Backup id to restore (default: the newest at --source whose checksum verifies)")]
    public string? Backup { get; set; }

    [Option("rto-target-seconds", "Most seconds the restore (fetch, verify, pg_restore) may take", Min = 1, Max = 604800)]
    public int RtoTargetSeconds { get; set; } = 3600;

    [Option("rpo-target-seconds", "Oldest the backup may be at drill time, in seconds (90000 = nightly plus slack)", Min = 1, Max = 31536000)]
    public int RpoTargetSeconds { get; set; } = 90000;

    [Option("restore-jobs", "Parallel pg_restore jobs", Min = 1, Max = 32)]
    public int RestoreJobs { get; set; } = 2;

    [Option("scratch-connection", "Server on which the scratch database is created (default: Backups:ScratchConnection, else the worker's database server)",
        Secret = true, DefaultFrom = "Backups:ScratchConnection")]
    public string? ScratchConnection { get; set; }

    [Option("work-dir", "Local folder the backup is downloaded into (removed after the drill)")]
    public string WorkDir { get; set; } = "drills/{run_id}";

    [Option("strict", "Exit 2 when the drill is not ok")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    public override IEnumerable<OptionError> Validate() => BackupTargetOption.Check("source", [Source]);
}
