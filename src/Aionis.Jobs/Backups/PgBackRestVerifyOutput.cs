using System.Text.RegularExpressions;

namespace Aionis.Jobs.Backups;

/// <summary>A repository file <c>pgbackrest verify</c> found wrong: its path in the repository and the problem.</summary>
public sealed record VerifyFinding(string File, string Problem);

/// <summary>
/// What <c>pgbackrest verify --log-level-console=info</c> printed. pgBackRest 2.45 exits 0 on a corrupted repository and
/// names each bad file only in an INFO line (<c>invalid checksum '…'</c>, <c>file missing '…'</c>…), and reports a
/// stanza or backup as <c>status: error</c> / <c>status: invalid</c>; verify has no JSON output, so the text is the verdict.
/// </summary>
public static partial class PgBackRestVerifyOutput
{
    public static IReadOnlyList<VerifyFinding> Findings(string output) =>
        FileLine().Matches(output).Select(m => new VerifyFinding(m.Groups["file"].Value, m.Groups["problem"].Value.Trim())).ToList();

    /// <summary>Problems verify reports without a file name: the stanza status and invalid backups, WARN and ERROR lines.</summary>
    public static IReadOnlyList<string> Errors(string output) =>
        StatusLine().Matches(output).Select(m => m.Value.Trim())
            .Concat(LevelLine().Matches(output).Select(m => m.Groups["text"].Value.Trim()))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    // e.g. "P01   INFO: invalid checksum '20261201-205310F/pg_data/base/1/2838.lz4'"
    [GeneratedRegex(@"P\d+ +\w+: (?<problem>[a-z][a-z ]*?) '(?<file>[^']+)'")]
    private static partial Regex FileLine();

    [GeneratedRegex(@"(status: (error|invalid)[^\n]*)|(backup: \S+, status: invalid[^\n]*)")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"P\d+ +(WARN|ERROR): (?<text>[^\n]*)")]
    private static partial Regex LevelLine();
}
