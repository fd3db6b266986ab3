using System.Globalization;
using System.Text.RegularExpressions;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Backups;

public sealed partial class PitrRestoreDrillOptions : JobOptions, IStrictOptions, ISummaryFileOptions
{
    public const string Latest = "latest";
    public const string Time = "time";
    public const string Immediate = "immediate";

    [Option("type", "Recovery target: latest (replay every archived WAL), time (to --target) or immediate (the backup's end only)",
        Allowed = [Latest, Time, Immediate])]
    public string Type { get; set; } = Latest;

    [Option("target", "Point in time to recover to with --type time, ISO 8601 with offset (e.g. 2026-12-01T10:15:00Z)")]
    public string? Target { get; set; }

    [Option("set", "Restore this backup set (label); default: pgBackRest picks the newest one that can reach the target")]
    public string? Set { get; set; }

    [Option("repo", "Restore from this repository (e.g. the cross-region copy); default: pgBackRest's order", Min = 1, Max = 256)]
    public int? Repo { get; set; }

    [Option("count-biggest", "Count the rows of this many of the restored database's biggest tables", Min = 0, Max = 100)]
    public int CountBiggest { get; set; } = 5;

    [Option("created-at-tables", "Tables (name or schema.name) whose newest created_at is read in the copy: the newest committed row, for the measured RPO")]
    public string[] CreatedAtTables { get; set; } = [];

    [Option("created-at-column", "The time column read in --created-at-tables (e.g. started_at for worker.job_runs, which the worker writes every few minutes)")]
    public string CreatedAtColumn { get; set; } = "created_at";

    [Option("rto-target-seconds", "Most seconds restore + WAL replay + ready may take", Min = 1, Max = 604800)]
    public int RtoTargetSeconds { get; set; } = 3600;

    [Option("rpo-target-seconds", "Most seconds between the recovery target and the newest committed row in the copy", Min = 1, Max = 31536000)]
    public int RpoTargetSeconds { get; set; } = 900;

    [Option("work-dir", "Local folder for the scratch data directory (removed after the drill, also on failure and cancellation)")]
    public string WorkDir { get; set; } = "pitr-drills/{run_id}";

    [Option("strict", "Exit 2 when the drill is not ok")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    public DateTimeOffset? TargetTime => Target is null ? null
        : DateTimeOffset.Parse(Target, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override IEnumerable<OptionError> Validate()
    {
        if (Type == Time && Target is null) yield return new OptionError("target", null, "is required with --type time");
        if (Type != Time && Target is not null) yield return new OptionError("target", Target, "is only used with --type time");
        if (Target is not null && (!WithOffset().IsMatch(Target) || !DateTimeOffset.TryParse(Target, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
            yield return new OptionError("target", Target, "expected an ISO 8601 time with an offset, e.g. 2026-12-01T10:15:00Z or 2026-12-01T11:15:00+01:00");
        if (Set is { } set && !Regex.IsMatch(set, "^[0-9]{8}-[0-9]{6}F(_[0-9]{8}-[0-9]{6}[DI])?$"))
            yield return new OptionError("set", set, "expected a pgBackRest backup label like 20261201-010000F");
        if (!Regex.IsMatch(CreatedAtColumn, "^[A-Za-z_][A-Za-z0-9_]*$"))
            yield return new OptionError("created-at-column", CreatedAtColumn, "expected a column name (letters, digits, _)");
        foreach (var table in CreatedAtTables.Where(t => !TableIdentifier().IsMatch(t)))
            yield return new OptionError("created-at-tables", table, "expected a table name or schema.name (letters, digits, _)");
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}(:?\d{2})?)$")]
    private static partial Regex WithOffset();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$")]
    private static partial Regex TableIdentifier();
}
