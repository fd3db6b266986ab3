using System.Globalization;
using System.Text;

namespace Aionis.Jobs.Incidents;

/// <summary>
/// The digest as Markdown for people: headline numbers, the chart, the tables. At most <see cref="MaxChars"/>
/// characters; a longer one is cut at a line end and ends with a visible marker pointing to the JSON.
/// </summary>
public static class DigestMarkdown
{
    public const int MaxChars = 8000;

    public static string Render(WeeklyDigest d)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Incident digest {d.Week}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{Day(d.From)} – {Day(d.To.AddDays(-1))} (UTC) · generated {Stamp(d.GeneratedAt)}\n\n");
        var ttr = d.TimeToResolve.Resolved == 0 ? "no incident resolved"
            : $"time to resolve: mean {Minutes(d.TimeToResolve.MeanMinutes)}, p90 {Minutes(d.TimeToResolve.P90Minutes)}";
        md.Append(CultureInfo.InvariantCulture, $"**{d.Totals.Opened} opened · {d.Totals.Resolved} resolved · {d.Totals.StillOpen} still open** at week end · {ttr}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"![Incidents opened per day by severity]({d.Files.Chart})\n\n");

        md.Append("## By severity\n\n| severity | opened | resolved | still open |\n|---|---:|---:|---:|\n");
        foreach (var c in d.BySeverity) md.Append(CultureInfo.InvariantCulture, $"| {c.Key} | {c.Opened} | {c.Resolved} | {c.StillOpen} |\n");
        Counts(md, "By service", "service", d.ByService);
        Counts(md, "By kind", "kind", d.ByKind);

        md.Append("\n## Top incidents\n\n");
        if (d.TopIncidents.Count == 0) md.Append("No incident opened this week.\n");
        else
        {
            md.Append("| id | sev | status | service | title | started | resolved in | occ. |\n|---|---|---|---|---|---|---:|---:|\n");
            foreach (var i in d.TopIncidents)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"| `{i.Id}` | {i.Severity} | {i.Status} | {Cell(i.Service)} | {Cell(i.Title)} | {Stamp(i.StartedAt)} | {Minutes(i.MinutesToResolve)} | {i.Occurrences} |\n");
            }
        }

        md.Append("\n## Recurrence\n\n");
        if (d.RecurringSignatures.Count == 0 && d.RecurringKinds.Count == 0)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"Nothing recurs (signature ≥ {DigestThresholds.SignatureWarn}, kind ≥ {DigestThresholds.KindWarn} in 7 or 30 days).\n");
        }
        else
        {
            md.Append("| level | what | 7 d | 30 d | recommendation |\n|---|---|---:|---:|---|\n");
            foreach (var r in d.RecurringSignatures)
                md.Append(CultureInfo.InvariantCulture, $"| {Level(r.Level)} | same problem: {Cell(r.Service)} / {Cell(r.Kind)} — {Cell(r.LatestTitle)} | {r.Last7Days} | {r.Last30Days} | {r.Recommendation} |\n");
            foreach (var r in d.RecurringKinds)
                md.Append(CultureInfo.InvariantCulture, $"| {Level(r.Level)} | kind {Cell(r.Kind)} | {r.Last7Days} | {r.Last30Days} | {r.Recommendation} |\n");
        }

        md.Append("\n## Root-cause buckets\n\n");
        if (d.RootCauseBuckets.Count == 0)
            md.Append(CultureInfo.InvariantCulture, $"None (service + kind with ≥ {DigestThresholds.BucketIn7Days} in 7 days or ≥ {DigestThresholds.BucketIn30Days} in 30 days).\n");
        else
        {
            md.Append("| service | kind | 7 d | 30 d | why |\n|---|---|---:|---:|---|\n");
            foreach (var b in d.RootCauseBuckets)
                md.Append(CultureInfo.InvariantCulture, $"| {Cell(b.Service)} | {Cell(b.Kind)} | {b.Last7Days} | {b.Last30Days} | {b.Reason} |\n");
        }

        md.Append(CultureInfo.InvariantCulture, $"\n## Follow-ups\n\n{d.Followups.Open} open at week end, {d.Followups.Overdue} overdue.\n");
        if (d.Followups.Items.Count > 0)
        {
            md.Append("\n| due | | incident | priority | owner | follow-up |\n|---|---|---|---|---|---|\n");
            foreach (var f in d.Followups.Items)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"| {(f.DueAt is { } due ? Stamp(due) : "—")} | {(f.Overdue ? "**overdue**" : "")} | `{f.IncidentId}` #{f.Seq} | {f.Priority ?? "—"} | {Cell(f.Owner ?? "—")} | {Cell(f.Message)} |\n");
            }
        }
        return Cap(md.ToString(), d.Files.Json);
    }

    /// <summary>Cuts a too-long digest at the last whole line that leaves room for the marker.</summary>
    public static string Cap(string markdown, string jsonName)
    {
        if (markdown.Length <= MaxChars) return markdown;
        var marker = $"\n---\n**… truncated**: this digest is longer than {MaxChars:N0} characters; every row is in `{jsonName}`.\n";
        var cut = markdown.LastIndexOf('\n', MaxChars - marker.Length - 1);
        return markdown[..(cut + 1)] + marker;
    }

    private static void Counts(StringBuilder md, string title, string column, IReadOnlyList<DigestCount> rows)
    {
        md.Append(CultureInfo.InvariantCulture, $"\n## {title}\n\n");
        if (rows.Count == 0)
        {
            md.Append("None.\n");
            return;
        }
        md.Append(CultureInfo.InvariantCulture, $"| {column} | opened | resolved | still open |\n|---|---:|---:|---:|\n");
        foreach (var c in rows) md.Append(CultureInfo.InvariantCulture, $"| {Cell(c.Key)} | {c.Opened} | {c.Resolved} | {c.StillOpen} |\n");
    }

    private static string Level(string level) => level == DigestThresholds.High ? "🔴 high" : "🟠 warn";

    private static string Minutes(double? minutes) => minutes switch
    {
        null => "—",
        < 120 => $"{minutes.Value.ToString("0.#", CultureInfo.InvariantCulture)} min",
        _ => $"{(minutes.Value / 60).ToString("0.#", CultureInfo.InvariantCulture)} h",
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
