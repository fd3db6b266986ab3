using System.Globalization;
using System.Text;
using static Aionis.Jobs.Reports.ReportText;

namespace Aionis.Jobs.Reports.Handoff;

public static class HandoffMarkdown
{
    public static string Render(HandoffSummary s)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# On-call hand-off · week to {Day(s.To.AddDays(-1))}{(s.DryRun ? " · dry run" : "")}\n\n");
        var opened = s.IncidentsBySeverity.Sum(c => c.Opened);
        var failures = s.FailedRunsPerTask.Sum(t => t.Failed);
        md.Append(CultureInfo.InvariantCulture,
            $"{Stamp(s.From)} → {Stamp(s.To)} UTC · **{opened} incident(s) opened · {failures} failed run(s) in {s.FailedRunsPerTask.Count} task(s) · {s.RegistryChanges.Count} registry change(s) · {s.FollowupsDueNextWeek.Count} follow-up(s) due next week**\n\n");
        md.Append(CultureInfo.InvariantCulture, $"![Server error rate per day]({s.Files.Charts[0]})\n\n![p95 latency per day]({s.Files.Charts[1]})\n\n");

        md.Append("## Incidents\n\n");
        if (s.Incidents.Count == 0) md.Append("None opened.\n");
        else
        {
            md.Append("| sev | id | status | service | title | started |\n|---|---|---|---|---|---|\n");
            foreach (var i in s.Incidents) md.Append(CultureInfo.InvariantCulture, $"| {i.Severity} | `{i.Id}` | {i.Status} | {Cell(i.Service)} | {Cell(i.Title)} | {Stamp(i.StartedAt)} |\n");
        }

        md.Append("\n## Failed runs per task\n\n");
        if (s.FailedRunsPerTask.Count == 0) md.Append("Every run succeeded.\n");
        else
        {
            md.Append("| task | runs | failed | gate failed |\n|---|---:|---:|---:|\n");
            foreach (var t in s.FailedRunsPerTask) md.Append(CultureInfo.InvariantCulture, $"| {Cell(t.TaskId)} | {t.Runs} | {t.Failed} | {t.GateFailed} |\n");
        }

        md.Append("\n## Operator alerts per channel\n\n");
        if (s.OperatorAlerts.Count == 0) md.Append("None opened.\n");
        else
        {
            md.Append("| channel | severity | opened |\n|---|---|---:|\n");
            foreach (var a in s.OperatorAlerts)
                md.Append(CultureInfo.InvariantCulture, $"| {(a.Channel is null ? "**no channel**" : $"{a.Channel} ({a.ChannelType})")} | {a.Severity} | {a.Opened} |\n");
        }

        md.Append("\n## Registry changes\n\n");
        if (s.RegistryChanges.Count == 0) md.Append("None.\n");
        foreach (var c in s.RegistryChanges)
        {
            var what = c.Accepted
                ? string.Join("; ", new[] { ("added", c.Added), ("changed", c.Changed), ("removed", c.Removed) }.Where(x => x.Item2.Length > 0).Select(x => $"{x.Item1} {string.Join(", ", x.Item2)}"))
                : "**rejected**";
            md.Append(CultureInfo.InvariantCulture, $"- {Stamp(c.At)} on {c.Node}: {what}\n");
        }

        md.Append("\n## Follow-ups due in the next 7 days\n\n");
        if (s.FollowupsDueNextWeek.Count == 0) md.Append("None.\n");
        foreach (var f in s.FollowupsDueNextWeek)
            md.Append(CultureInfo.InvariantCulture, $"- {(f.DueAt < s.GeneratedAt ? "**overdue** " : "")}due {Stamp(f.DueAt!.Value)} · `{f.IncidentId}` #{f.Seq} {Cell(f.Message)} ({f.Owner ?? "no owner"})\n");
        return md.ToString();
    }
}
