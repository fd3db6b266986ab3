using System.Globalization;
using System.Text;
using static Aionis.Jobs.Reports.ReportText;

namespace Aionis.Jobs.Reports.PublishRollup;

public static class PublishRollupMarkdown
{
    public static string Render(PublishRollupReport r, bool dryRun)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Publish replay roll-up · {r.TenantId} · last {r.WindowHours} h{(dryRun ? " · dry run" : "")}\n\n");
        if (r.Warning is { } warning) md.Append(CultureInfo.InvariantCulture, $"**Not available: {warning}**\n\n");
        md.Append(CultureInfo.InvariantCulture,
            $"**{Count(r.Jobs.Total)} jobs created · {Count(r.Jobs.FailedOrDeadLetter)} failed or dead-lettered · {r.Replay.ReplayEvents} replays ({Count(r.Replay.ReplayedCount)} jobs) · {r.Replay.PreviewEvents} previews ({Count(r.Replay.CandidateCount)} candidates in all)** · generated {Stamp(r.GeneratedAt)} UTC\n\n");
        md.Append("| status | jobs |\n|---|---:|\n");
        foreach (var (status, n) in r.Jobs.StatusCounts) md.Append(CultureInfo.InvariantCulture, $"| {status} | {Count(n)} |\n");
        md.Append(CultureInfo.InvariantCulture, $"\n## Failed and dead-letter jobs (newest {r.FailedSample.Count}, any age)\n\n");
        if (r.FailedSample.Count == 0) md.Append("None.\n");
        else
        {
            md.Append("| updated | status | attempts | run | target | last error |\n|---|---|---:|---|---|---|\n");
            foreach (var s in r.FailedSample)
                md.Append(CultureInfo.InvariantCulture, $"| {Stamp(s.UpdatedAt)} | {s.Status} | {s.Attempts}/{s.MaxAttempts} | `{Cell(s.RunId)}` | {Cell(s.Target)} | {Cell(s.LastError)} |\n");
        }
        return md.ToString();
    }
}
