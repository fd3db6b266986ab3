using Aionis.Data.Incidents;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Incidents;

public sealed class FollowupsSummaryOptions : JobOptions, IStrictOptions, ISummaryFileOptions
{
    [Option("service", "Only incidents of this service")]
    public string? Service { get; set; }

    [Option("env", "Only incidents of this environment")]
    public string? Env { get; set; }

    [Option("window-days", "Follow-ups created in this many days", Min = 1, Max = 3650)]
    public int WindowDays { get; set; } = 30;

    [Option("limit", "Most rows in each list", Min = 1, Max = 1000)]
    public int Limit { get; set; } = 200;

    [Option("strict", "Exit 2 when any follow-up is open or any P0/P1 incident is open (a release gate)")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }
}

public sealed record FollowupItem(string IncidentId, int Seq, string Message, string? Priority, string? Owner, DateTimeOffset? DueAt, bool Overdue,
    string IncidentSeverity, string IncidentTitle);

public sealed record UrgentIncident(string Id, string Severity, string Status, string Service, string Env, string Title, DateTimeOffset StartedAt);

public sealed record FollowupsSummary(
    bool Ok,
    bool Strict,
    DateTimeOffset CheckedAt,
    string? Service,
    string? Env,
    int WindowDays,
    int OpenFollowups,
    int OverdueFollowups,
    int OpenUrgentIncidents,
    IReadOnlyList<FollowupItem> Followups,
    IReadOnlyList<UrgentIncident> UrgentIncidents) : IJobSummary;

/// <summary>Open and overdue follow-ups and open P0/P1 incidents; not ok when any exist (with --strict: exit 2, a release gate).</summary>
[Job("incident-followups-summary", "Open and overdue incident follow-ups and open P0/P1 incidents (--strict: a release gate)",
    Permissions = [Permissions.ReadIncidents])]
public sealed class FollowupsSummaryJob(IncidentReviews reviews) : IJob<FollowupsSummaryOptions, FollowupsSummary>
{
    public async Task<FollowupsSummary> RunAsync(FollowupsSummaryOptions options, JobContext context)
    {
        var now = context.Now;
        var followups = (await reviews.OpenFollowupsAsync(options.Service, options.Env, now - TimeSpan.FromDays(options.WindowDays), options.Limit, context.CancellationToken))
            .Select(f => new FollowupItem(f.IncidentId, f.Seq, f.Message, f.Priority, f.Owner, f.DueAt, f.DueAt < now, f.IncidentSeverity, f.IncidentTitle))
            .ToList();
        var urgent = (await reviews.OpenIncidentsAsync(["P0", "P1"], options.Service, options.Env, options.Limit, context.CancellationToken))
            .Select(i => new UrgentIncident(i.Id, i.Severity, i.Status, i.Service, i.Env, i.Title, i.StartedAt)).ToList();
        return new FollowupsSummary(
            Ok: followups.Count == 0 && urgent.Count == 0,
            Strict: options.Strict,
            CheckedAt: now,
            Service: options.Service,
            Env: options.Env,
            WindowDays: options.WindowDays,
            OpenFollowups: followups.Count,
            OverdueFollowups: followups.Count(f => f.Overdue),
            OpenUrgentIncidents: urgent.Count,
            Followups: followups,
            UrgentIncidents: urgent);
    }
}
