using Aionis.Jobs.Framework;
using Aionis.Jobs.Publishing;

namespace Aionis.Jobs.Backups;

public sealed class BackupCreateOptions : JobOptions, ISummaryFileOptions
{
    [Option("target", "Where the backup is published, under <target>/<backup_id>/ (s3://, gs://, az://, file:// or a path); repeat for copies in several regions",
        Required = true, CommaSeparated = false)]
    public string[] Target { get; set; } = [];

    [Option("tables", "Back up the rows of these tables only (name in any schema, or schema.name; * and ? are wildcards); the schema is always whole")]
    public string[] Tables { get; set; } = [];

    [Option("exclude-table", "Leave the rows of these tables out (same patterns as --tables), e.g. big telemetry; they restore empty")]
    public string[] ExcludeTable { get; set; } = [];

    [Option("keep", "Keep only the newest N backups at each local or file:// target (older ones are deleted)", Min = 1, Max = 10000)]
    public int? Keep { get; set; }

    [Option("globals", "Also dump roles and tablespaces (pg_dumpall --globals-only, without passwords) to globals.sql beside the dump; the drill restores them first")]
    public bool Globals { get; set; }

    [Option("work-dir", "Local folder where the dump and manifest are written before publishing (removed afterwards)")]
    public string WorkDir { get; set; } = "backups/{run_id}";

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    public override IEnumerable<OptionError> Validate() => BackupTargetOption.Check("target", Target);
}
