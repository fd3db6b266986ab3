using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Backups;

public sealed class PitrArchiveCheckOptions : JobOptions, IStrictOptions, ISummaryFileOptions
{
    [Option("max-rpo", "Most data at risk: the age of the last archived WAL while the server has unarchived WAL (e.g. 15m)")]
    public string MaxRpo { get; set; } = "15m";

    [Option("max-full-age", "Oldest the newest full backup may be (weekly schedule plus slack)")]
    public string MaxFullAge { get; set; } = "7d6h";

    [Option("max-diff-age", "Oldest the newest diff (or newer full) backup may be (daily schedule plus slack)")]
    public string MaxDiffAge { get; set; } = "30h";

    [Option("max-incr-age", "Oldest the newest backup of any type may be (hourly incr schedule plus slack)")]
    public string MaxIncrAge { get; set; } = "2h";

    [Option("repo", "Judge the backups of this repository only (default: all repositories of the stanza)", Min = 1, Max = 256)]
    public int? Repo { get; set; }

    [Option("strict", "Exit 2 when RPO is at risk (a gate for notify.on_gate_failed)")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    public TimeSpan MaxRpoAge => DurationText.Parse(MaxRpo, "--max-rpo");

    /// <summary>The age limit of each backup type, in pgBackRest's order (full, diff, incr).</summary>
    public IEnumerable<(string Type, TimeSpan MaxAge)> MaxAges() =>
    [
        (PitrBackupTypes.Full, DurationText.Parse(MaxFullAge, "--max-full-age")),
        (PitrBackupTypes.Diff, DurationText.Parse(MaxDiffAge, "--max-diff-age")),
        (PitrBackupTypes.Incr, DurationText.Parse(MaxIncrAge, "--max-incr-age")),
    ];

    public override IEnumerable<OptionError> Validate() =>
        new[] { ("max-rpo", MaxRpo), ("max-full-age", MaxFullAge), ("max-diff-age", MaxDiffAge), ("max-incr-age", MaxIncrAge) }
            .Where(o => !DurationText.TryParse(o.Item2, out var d) || d <= TimeSpan.Zero || d > TimeSpan.FromDays(366))
            .Select(o => new OptionError(o.Item1, o.Item2, "expected a duration like 90s, 15m, 30h, 7d6h (more than 0, at most 366d)"));
}
