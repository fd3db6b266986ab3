using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Backups;

public sealed class PitrVerifyOptions : JobOptions, IStrictOptions, ISummaryFileOptions
{
    [Option("repo", "Verify this repository only (default: pgBackRest's default repository)", Min = 1, Max = 256)]
    public int? Repo { get; set; }

    [Option("set", "Verify this backup set only (a label such as 20261201-010000F); default: every backup and the WAL archive")]
    public string? Set { get; set; }

    [Option("strict", "Exit 2 when the repository has any invalid or missing file")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    public override IEnumerable<OptionError> Validate() =>
        Set is { } set && !System.Text.RegularExpressions.Regex.IsMatch(set, "^[0-9]{8}-[0-9]{6}F(_[0-9]{8}-[0-9]{6}[DI])?$")
            ? [new OptionError("set", set, "expected a pgBackRest backup label like 20261201-010000F or 20261201-010000F_20261202-010000I")]
            : [];
}
