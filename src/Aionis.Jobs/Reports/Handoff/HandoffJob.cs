using Aionis.Data.Incidents;
using Aionis.Data.Reports;
using Aionis.Jobs.Alerts;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Logging;

namespace Aionis.Jobs.Reports.Handoff;

/// <summary>
/// The Monday on-call hand-off (09:00 UTC): the week's incidents, registry changes, failed runs per task, operator alerts
/// per channel and severity, the error rate and p95 per day (two charts) and the follow-ups due in the next 7 days.
/// Reads only; its files are its only writes.
/// </summary>
[Job("oncall-weekly-handoff", "Weekly on-call hand-off: incidents, registry changes, failed runs per task, alerts per channel, error-rate and p95 trend, follow-ups due",
    Permissions = [Permissions.ReadControlPlane, Permissions.ReadIncidents])]
public sealed class HandoffJob(OpsHistory history, TrafficReader traffic, IncidentReports incidents, OperatorChannelSet channels, ILogger<HandoffJob> logger)
    : IJob<HandoffOptions, HandoffSummary>
{
    private const int IncidentLimit = 50;

    public async Task<HandoffSummary> RunAsync(HandoffOptions options, JobContext context)
    {
        var (now, ct) = (context.Now, context.CancellationToken);
        var to = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var from = to.AddDays(-options.Days);
        var files = ReportOutput.Plan(context, options.OutDir, $"handoff-{to.UtcDateTime:yyyy-MM-dd}", "error-rate", "p95");

        var bySeverity = (await incidents.CountsAsync(from, to, ct)).Where(c => c.Dimension == "severity").ToList();
        var week = await incidents.TopAsync(from, to, IncidentLimit, ct);
        var alerts = await history.OperatorAlertsAsync(from, to, ct);
        var perChannel = alerts.Where(a => a.OpenedInWindow > 0).SelectMany(a =>
        {
            var routed = channels.ForSeverity(a.Severity);
            return routed.Count == 0 ? [new AlertsByChannel(null, null, a.Severity, a.OpenedInWindow)]
                : routed.Select(c => new AlertsByChannel(c.Id, c.Type, a.Severity, a.OpenedInWindow));
        }).OrderBy(a => a.Channel ?? "~", StringComparer.Ordinal).ThenBy(a => a.Severity, StringComparer.Ordinal).ToList();
        var byDay = (await traffic.DailyAsync(from, to, double.MaxValue, ct)).Where(d => d.Endpoint is null).ToDictionary(d => d.Day);
        var daily = Enumerable.Range(0, options.Days).Select(i => DateOnly.FromDateTime(from.UtcDateTime.AddDays(i))).Select(day =>
            byDay.TryGetValue(day, out var t)
                ? new TrafficDay(day, t.Requests, t.ServerErrors, JobMath.Round6((double)t.ServerErrors / t.Requests), t.P95Ms is { } p ? Math.Round(p, 3) : null)
                : new TrafficDay(day, 0, 0, null, null)).ToList();
        var due = (await incidents.OpenFollowupsAsync(now, 200, ct)).Where(f => f.DueAt is { } d && d < now.AddDays(7)).ToList();

        var summary = new HandoffSummary(true, context.DryRun, now, from, to, bySeverity, week, await history.RegistryChangesAsync(from, to, ct),
            await history.FailuresPerTaskAsync(from, to, ct), perChannel, daily, due, files);
        await ReportOutput.WriteAsync(context, files, summary, HandoffMarkdown.Render(summary), HandoffCharts.Render(summary, options), week.Count);
        logger.ReportWritten("oncall-weekly-handoff", files.Directory, $"{week.Count} incident(s), {summary.FailedRunsPerTask.Count} task(s) with failures");
        return summary;
    }
}
