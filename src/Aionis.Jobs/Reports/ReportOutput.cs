using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports;

/// <summary>The file names of one report in its folder (the chart names are the report's own).</summary>
public sealed record ReportFiles(string Directory, string Json, string Markdown, IReadOnlyList<string> Charts);

/// <summary>
/// Writes a report's JSON, Markdown and charts into its folder (in a dry run the dry-run form of the folder, so a dry
/// run never overwrites a live report), and records them as the run's artifacts and its one planned action.
/// </summary>
public static class ReportOutput
{
    public static ReportFiles Plan(JobContext context, string outDir, string stem, params string[] charts)
    {
        var directory = context.ResolveOutputPath(outDir, "out-dir");
        return new ReportFiles(directory, $"{stem}.json", $"{stem}.md", charts.Select(c => $"{stem}-{c}.svg").ToList());
    }

    public static async Task WriteAsync(JobContext context, ReportFiles files, object summary, string markdown, IReadOnlyList<string> charts, long count)
    {
        if (charts.Count != files.Charts.Count) throw new ArgumentException("one chart text per planned chart file", nameof(charts));
        Directory.CreateDirectory(files.Directory);
        var json = Path.Combine(files.Directory, files.Json);
        var md = Path.Combine(files.Directory, files.Markdown);
        await JobJson.WriteFileAsync(json, summary, context.CancellationToken);
        await File.WriteAllTextAsync(md, markdown, context.CancellationToken);
        context.Artifacts.Add("report_json", json);
        context.Artifacts.Add("report_md", md);
        for (var i = 0; i < charts.Count; i++)
        {
            var svg = Path.Combine(files.Directory, files.Charts[i]);
            await File.WriteAllTextAsync(svg, charts[i], context.CancellationToken);
            context.Artifacts.Add($"report_svg_{i + 1}", svg);
        }
        context.Actions.Record("write_report", files.Directory, count, new { json = files.Json, markdown = files.Markdown, charts = files.Charts });
    }
}
