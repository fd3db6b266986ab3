using System.Globalization;
using System.Text;
using static Aionis.Jobs.Reports.ReportText;

namespace Aionis.Jobs.Reports.Checklist;

/// <summary>The checklist for people: the verdict line, one table row per check (failures first), then the numbers behind them.</summary>
public static class ChecklistMarkdown
{
    public static string Render(OpsChecklistSummary s)
    {
        var md = new StringBuilder();
        var title = s.Shift == OpsChecklistOptions.Morning ? "Morning checklist" : "Evening checklist";
        md.Append(CultureInfo.InvariantCulture, $"# {title} · {Stamp(s.GeneratedAt)} UTC{(s.DryRun ? " · dry run" : "")}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"**{(s.Ok ? "OK" : "NOT OK")} — {s.Tally.Fail} fail · {s.Tally.Warn} warn · {s.Tally.Pass} pass** · window {Stamp(s.WindowFrom)} → {Stamp(s.WindowTo)} UTC\n\n");
        md.Append("| | check | value | why |\n|---|---|---:|---|\n");
        foreach (var c in s.Checks.OrderByDescending(c => c.Status))
            md.Append(CultureInfo.InvariantCulture, $"| {Badge(c.Status)} | {c.Name} | {Number(c.Value, "0.######")} | {Cell(c.Reason)} |\n");

        var d = s.Details;
        var endpoints = d.Traffic.Where(t => t.Endpoint is not null).ToList();
        md.Append("\n## Traffic by endpoint\n\n");
        if (endpoints.Count == 0) md.Append("No requests.\n");
        else
        {
            md.Append("| endpoint | requests | 5xx | error rate | p95 |\n|---|---:|---:|---:|---:|\n");
            foreach (var t in d.Traffic)
                md.Append(CultureInfo.InvariantCulture, $"| {t.Endpoint ?? "**all**"} | {Count(t.Requests)} | {Count(t.ServerErrors)} | {Percent(t.ErrorRate, 3)} | {Ms(t.P95Ms)} |\n");
        }

        if (d.ProblemRuns.Count > 0)
        {
            md.Append("\n## Runs that did not succeed\n\n| started | task | job | status | error |\n|---|---|---|---|---|\n");
            foreach (var r in d.ProblemRuns)
                md.Append(CultureInfo.InvariantCulture, $"| {Stamp(r.StartedAt)} | {Cell(r.TaskId)} | {r.Job} | {r.Status} | {Cell(Short(r.Error))} |\n");
        }

        if (d.Database is { } db)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## Database\n\n{Bytes(db.SizeBytes)} now; 7 days ago {Bytes(db.SizeBytes7dAgo)}.\n\n| table | size |\n|---|---:|\n");
            foreach (var t in db.BiggestTables) md.Append(CultureInfo.InvariantCulture, $"| {t.Table} | {Bytes(t.Bytes)} |\n");
        }
        if (d.FreeSpace is { } free)
        {
            md.Append("\n## Free space\n\n| where | path | free | of |\n|---|---|---:|---:|\n");
            foreach (var f in free)
                md.Append(CultureInfo.InvariantCulture, $"| {f.Location} | `{f.Path}` | {Number(f.FreePercent, "0.#")} % ({Bytes(f.FreeBytes)}) | {Bytes(f.TotalBytes)} |\n");
        }
        if (d.Handoff is { } h)
        {
            md.Append("\n## Hand-off\n\n");
            md.Append(CultureInfo.InvariantCulture, $"**Open incidents ({h.OpenIncidents.Count})**\n\n");
            if (h.OpenIncidents.Count == 0) md.Append("None.\n");
            foreach (var i in h.OpenIncidents) md.Append(CultureInfo.InvariantCulture, $"- {i.Severity} `{i.Id}` {Cell(i.Title)} ({i.Status} since {Stamp(i.StartedAt)})\n");
            md.Append(CultureInfo.InvariantCulture, $"\n**Follow-ups due in 24 h ({h.FollowupsDue24h.Count})**\n\n");
            if (h.FollowupsDue24h.Count == 0) md.Append("None.\n");
            foreach (var f in h.FollowupsDue24h) md.Append(CultureInfo.InvariantCulture, $"- due {Stamp(f.DueAt!.Value)} · `{f.IncidentId}` #{f.Seq} {Cell(f.Message)} ({f.Owner ?? "no owner"})\n");
        }
        if (d.PausedTasks.Count > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n**Paused tasks ({d.PausedTasks.Count})**\n\n");
            foreach (var p in d.PausedTasks)
                md.Append(CultureInfo.InvariantCulture, $"- `{p.TaskId}`: {Cell(p.Reason)} (by {p.PausedBy}, {(p.Until is { } u ? "until " + Stamp(u) : "until resumed")})\n");
        }
        return md.ToString();
    }

    private static string? Short(string? text) => text is { Length: > 120 } ? text[..117] + "…" : text;
}
