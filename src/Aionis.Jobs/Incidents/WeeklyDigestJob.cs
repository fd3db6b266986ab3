using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Incidents;

/// <summary>
/// The weekly incident-intelligence digest (Monday 08:00 UTC): <c>YYYY-WW.json</c>, <c>YYYY-WW.md</c> (at most 8,000
/// characters) and the <c>YYYY-WW.svg</c> chart it links. It only reads the database; its files are its only writes,
/// in a dry run too.
/// </summary>
[Job("incident-weekly-digest", "Weekly incident digest: counts, time to resolve, top incidents, recurrence, root-cause buckets, follow-ups, chart",
    Permissions = [Permissions.ReadIncidents])]
public sealed class WeeklyDigestJob(WeeklyDigestReader reader) : IJob<WeeklyDigestOptions, WeeklyDigest>
{
    public async Task<WeeklyDigest> RunAsync(WeeklyDigestOptions options, JobContext context)
    {
        var week = options.Week is { } text ? IsoWeek.Parse(text, out _)! : IsoWeek.LastFull(context.Now);
        var outDir = context.ResolvePath(options.OutDir);
        var files = new DigestFiles($"{week.FileStem}.json", $"{week.FileStem}.md", $"{week.FileStem}.svg");
        var digest = await reader.ReadAsync(week, context.Now, files, context.CancellationToken);

        Directory.CreateDirectory(outDir);
        await JobJson.WriteFileAsync(Path.Combine(outDir, files.Json), digest, context.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(outDir, files.Markdown), DigestMarkdown.Render(digest), context.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(outDir, files.Chart), DigestChart.Render(digest), context.CancellationToken);
        context.Artifacts.Add("digest_json", Path.Combine(outDir, files.Json));
        context.Artifacts.Add("digest_md", Path.Combine(outDir, files.Markdown));
        context.Artifacts.Add("digest_svg", Path.Combine(outDir, files.Chart));
        context.Actions.Record("write_digest", outDir, digest.Totals.Opened, new { week = digest.Week });
        return digest;
    }
}
