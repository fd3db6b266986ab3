using Aionis.Data.Incidents;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Incidents;

public sealed class StaleReviewOptions : JobOptions, IStrictOptions, ISummaryFileOptions
{
    [Option("strict", "Exit 2 when any incident is stale (the registry task's notify: on_gate_failed then alerts the on-call)")]
    public bool Strict { get; set; }

    [Option("stale-hours", "An open incident without an event for this long is stale", Min = 1, Max = 8760)]
    public int StaleHours { get; set; } = 24;

    [Option("limit", "Most incidents listed", Min = 1, Max = 1000)]
    public int Limit { get; set; } = 200;

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }
}

public sealed record StaleIncident(string Id, string Severity, string Status, string Service, string Title, DateTimeOffset LastEventAt, double HoursQuiet);

public sealed record StaleReviewSummary(bool Ok, bool Strict, DateTimeOffset CheckedAt, int StaleHours, int StaleCount, IReadOnlyList<StaleIncident> Stale) : IJobSummary;

/// <summary>
/// Open incidents nobody has touched for <c>--stale-hours</c>. Not ok when there are any: the registry task runs with
/// <c>strict: true</c>, so a stale incident is a gate verdict and <c>notify: on_gate_failed</c> alerts the on-call.
/// </summary>
[Job("incident-stale-review", "Open incidents without an event for --stale-hours (notify alerts the on-call)", Permissions = [Permissions.ReadIncidents])]
public sealed class StaleReviewJob(IncidentReviews reviews) : IJob<StaleReviewOptions, StaleReviewSummary>
{
    public async Task<StaleReviewSummary> RunAsync(StaleReviewOptions options, JobContext context)
    {
        var now = context.Now;
        var stale = (await reviews.StaleAsync(now - TimeSpan.FromHours(options.StaleHours), options.Limit, context.CancellationToken))
            .Select(i => new StaleIncident(i.Id, i.Severity, i.Status, i.Service, i.Title, i.LastEventAt, Math.Round((now - i.LastEventAt).TotalHours, 1)))
            .ToList();
        return new StaleReviewSummary(stale.Count == 0, options.Strict, now, options.StaleHours, stale.Count, stale);
    }
}
