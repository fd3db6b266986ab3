using System.Text;
using System.Text.RegularExpressions;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

/// <summary>One line of <c>SHA256SUMS</c> that an auditor's <c>sha256sum -c</c> must not be trusted with (or a file it leaves out).</summary>
public sealed record Sha256SumsProblem(int Line, string Path, string Reason);

/// <summary>
/// The check of <c>SHA256SUMS</c>: <c>{file_present, line_count, problems}</c>; any problem fails the bundle, because an
/// auditor checks the files with this file and not with the index.
/// </summary>
public sealed record Sha256SumsReport(bool FilePresent, int LineCount, IReadOnlyList<Sha256SumsProblem> Problems);

/// <summary>
/// Compares <c>SHA256SUMS</c> with the index: it must exist, list exactly the indexed files, each once, with the index's
/// digest, and name only relative paths inside the bundle. Problems: <c>missing_file</c>, <c>not_a_regular_file</c>,
/// <c>empty</c>, <c>malformed</c>, <c>absolute</c>, <c>outside_bundle</c>, <c>duplicate</c>, <c>not_in_index</c>,
/// <c>digest_differs_from_index</c> and, for an indexed file without a line, <c>not_listed</c> (line 0).
/// </summary>
public static partial class Sha256SumsCheck
{
    public static async Task<Sha256SumsReport> CheckAsync(string sumsFile, IReadOnlyDictionary<string, string> indexDigests, CancellationToken cancellationToken)
    {
        switch (FileKinds.Of(sumsFile))
        {
            case FileKind.Missing: return new Sha256SumsReport(false, 0, [new Sha256SumsProblem(0, BundleFiles.Sha256Sums, "missing_file")]);
            case not FileKind.Regular: return new Sha256SumsReport(false, 0, [new Sha256SumsProblem(0, BundleFiles.Sha256Sums, "not_a_regular_file")]);
        }
        var text = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(sumsFile, cancellationToken));
        var lines = text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
        var problems = new List<Sha256SumsProblem>();
        if (lines.Length == 0) problems.Add(new Sha256SumsProblem(0, BundleFiles.Sha256Sums, "empty"));

        var listed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var match = Line().Match(lines[i]);
            if (!match.Success)
            {
                problems.Add(new Sha256SumsProblem(number, lines[i], "malformed"));
                continue;
            }
            var path = match.Groups["escaped"].Success ? Unescape(match.Groups["name"].Value) : match.Groups["name"].Value;
            var reason = path.StartsWith('/') ? "absolute"
                : path.Split('/').Any(s => s is ".." or "." or "") ? "outside_bundle"
                : !listed.Add(path) ? "duplicate"
                : !indexDigests.TryGetValue(path, out var digest) ? "not_in_index"
                : !string.Equals(digest, match.Groups["digest"].Value, StringComparison.Ordinal) ? "digest_differs_from_index"
                : null;
            if (reason is not null) problems.Add(new Sha256SumsProblem(number, path, reason));
        }
        problems.AddRange(indexDigests.Keys.Where(path => !listed.Contains(path)).Order(FileDigest.ByteOrder)
            .Select(path => new Sha256SumsProblem(0, path, "not_listed")));
        return new Sha256SumsReport(true, lines.Length, problems);
    }

    /// <summary>coreutils' escaping of names holding a backslash or a line break (the line then starts with a backslash).</summary>
    private static string Unescape(string name) => EscapeSequence().Replace(name, m => m.Value[1] switch { 'n' => "\n", 'r' => "\r", _ => "\\" });

    [GeneratedRegex(@"^(?<escaped>\\)?(?<digest>[0-9a-f]{64}) [ *](?<name>.+)$")]
    private static partial Regex Line();

    [GeneratedRegex(@"\\[\\nr]")]
    private static partial Regex EscapeSequence();
}
