using System.Globalization;
using System.Text;
using static Aionis.Jobs.Reports.ReportText;

namespace Aionis.Jobs.Reports.GameDay;

/// <summary>The drill as a person reads it: the verdict, the two times against their targets, each channel, the restore, what is still to record.</summary>
public static class GameDayMarkdown
{
    public static string Render(GameDaySummary s)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Game day · {s.Exercise} · {s.Level.ToUpperInvariant()} · {Stamp(s.StartedAt)} UTC{(s.DryRun ? " · dry run" : "")}\n\n");
        md.Append(s.DryRun ? "**Dry run: nothing was sent, nothing polled.**" : s.Ok ? "**✅ Every channel accepted the alert; no target missed.**" : $"**❌ {s.Problem}**");
        md.Append(CultureInfo.InvariantCulture, $"\n\nRun `{s.RunId}` · times as of {Clock(s.AsOf)} UTC · alert severity {s.AlertSeverity}\n\n");

        md.Append("| measure | took | target | verdict |\n|---|---:|---:|---|\n");
        md.Append(CultureInfo.InvariantCulture, $"| time to acknowledge (first channel) | {Took(s.TimeToAcknowledge.Seconds)} | {Took(s.TimeToAcknowledge.TargetSeconds)} ({s.Level.ToUpperInvariant()}) | {Verdict(s.TimeToAcknowledge.Verdict)} |\n");
        md.Append(CultureInfo.InvariantCulture, $"| time to restore | {Took(s.TimeToRestore.Seconds)} | {Took(s.TimeToRestore.TargetSeconds)} | {Verdict(s.TimeToRestore.Verdict)} |\n");

        md.Append("\n## Channels\n\n");
        if (s.Deliveries.Count == 0) md.Append("No operator channel is configured (`Alerts:Channels`).\n");
        else
        {
            md.Append("| channel | sent | accepted | acknowledged | by | took |\n|---|---|---|---|---|---:|\n");
            foreach (var d in s.Deliveries)
            {
                var accepted = d.IsAccepted ? $"{Clock(d.AcceptedAt)} ({d.ResponseCode}{(d.ReceiverReference is { } r && d.AckSource is null ? ", " + r : "")})"
                    : $"**{d.Status}**{(d.Error is null ? "" : ": " + Cell(d.Error))}";
                var took = d.AcknowledgedAt is { } at && d.SentAt is { } sent ? Took((at - sent).TotalSeconds) : "—";
                var by = d.AcknowledgedBy is null ? "—" : $"{Cell(d.AcknowledgedBy)} ({(d.AckSource == GameDayVerdict.CliSource ? "recorded" : Cell(d.ReceiverReference))})";
                md.Append(CultureInfo.InvariantCulture, $"| {d.Channel} ({d.Type}) | {Clock(d.SentAt)} | {accepted} | {Clock(d.AcknowledgedAt)} | {by} | {took} |\n");
            }
        }

        if (s.Restore is { } restore)
        {
            md.Append("\n## Restore\n\n");
            md.Append(restore.Status switch
            {
                GameDayRestore.Planned => $"Would probe {restore.Target} until it answers 2xx after an outage.\n",
                GameDayRestore.NeverDown => $"{restore.Target} answered 2xx at the first probe: no outage was staged, nothing to restore.\n",
                GameDayRestore.Restored => $"{restore.Target} down from {Clock(restore.FirstDownAt)}, restored at {Clock(restore.RestoredAt)} ({(restore.RestoredBy == "probe" ? $"probe {restore.Probes}" : $"recorded by {Cell(restore.RestoredBy)}")}).\n",
                _ => $"{restore.Target} still down at the last of {restore.Probes} probe(s) ({Cell(restore.LastResult)}).\n",
            });
        }

        var open = s.DryRun ? [] : GameDayVerdict.AcknowledgeableSteps(s)
            .Where(step => step == GameDayRestore.StepName ? s.Restore?.RestoredAt is null && s.Restore?.Status != GameDayRestore.NeverDown
                : s.Deliveries.Single(d => d.Step == step).AcknowledgedAt is null).ToList();
        if (open.Count > 0)
        {
            md.Append("\n## To record\n\nWhen a person acknowledged (or restored) it, with the time it happened:\n\n");
            foreach (var step in open) md.Append(CultureInfo.InvariantCulture, $"    aionis game-day ack {s.RunId} --step {step} --at <time>\n");
            md.Append(CultureInfo.InvariantCulture, $"\nthen `aionis game-day show {s.RunId}` for this report with them.\n");
        }
        if (s.DryRun)
        {
            md.Append("\n## Plan\n\n");
            foreach (var line in s.Plan) md.Append(CultureInfo.InvariantCulture, $"- {Cell(line)}\n");
        }
        return md.ToString();
    }

    private static string Clock(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "—";

    private static string Took(double? seconds) => seconds switch
    {
        null => "—",
        < 60 => seconds.Value.ToString("0.#", CultureInfo.InvariantCulture) + " s",
        _ when seconds.Value % 60 == 0 => $"{seconds.Value / 60:0} min",
        _ => $"{Math.Floor(seconds.Value / 60):0} min {seconds.Value % 60:00} s",
    };

    private static string Verdict(string verdict) => verdict switch
    {
        GameDayMeasure.Met => "✅ met",
        GameDayMeasure.Missed => "❌ missed",
        GameDayMeasure.Pending => "⏳ pending",
        _ => "n/a",
    };
}
