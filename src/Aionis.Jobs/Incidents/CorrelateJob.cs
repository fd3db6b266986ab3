using Aionis.Data.Incidents;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Incidents;

public sealed class CorrelateOptions : JobOptions, ISummaryFileOptions
{
    [Option("incident-id", "The incident to correlate (default: every incident opened within --opened-within-hours)")]
    public string? IncidentId { get; set; }

    [Option("opened-within-hours", "Without --incident-id: correlate each incident opened this recently (the scheduled task's interval)", Min = 1, Max = 720)]
    public int OpenedWithinHours { get; set; } = 1;

    [Option("append-note", "Write the result as a note event on the incident")]
    public bool AppendNote { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    public override IEnumerable<OptionError> Validate()
    {
        if (IncidentId is not null && !IncidentIds.IsValid(IncidentId)) yield return new OptionError("incident-id", IncidentId, "expected an incident id like inc_20261201_1405_a1b2c3");
    }
}

public sealed record RelatedIncident(string Id, int Score, IReadOnlyList<string> Rules, string Severity, string Status, string Service, string Kind,
    string Title, DateTimeOffset StartedAt);

public sealed record Correlation(string IncidentId, IReadOnlyList<RelatedIncident> Related, int? NoteSeq);

public sealed record CorrelateSummary(bool Ok, bool DryRun, DateTimeOffset CheckedAt, int WindowDays, int MinScore, IReadOnlyList<Correlation> Incidents) : IJobSummary;

/// <summary>
/// Related incidents of the last 30 days, scored in Postgres (same signature 100, same service and kind 60, same service
/// within 180 min 40, same kind on another service within 120 min 30; rules add up); score ≥ 20, at most 10.
/// </summary>
[Job("incident-correlate", "Related incidents of the last 30 days, scored by signature, service, kind and time (--append-note writes a note)",
    Permissions = [Permissions.ReadIncidents, Permissions.WriteIncidents])]
public sealed class CorrelateJob(IncidentStore store, IncidentReviews reviews, IncidentLog log) : IJob<CorrelateOptions, CorrelateSummary>
{
    public const int WindowDays = 30;
    public const int MinScore = 20;
    public const int MaxRelated = 10;

    private const int MaxPerRun = 100;

    public async Task<CorrelateSummary> RunAsync(CorrelateOptions options, JobContext context)
    {
        var token = context.CancellationToken;
        var incidents = options.IncidentId is { } id
            ? [await store.GetAsync(id, token) ?? throw PostgresIncidentBackend.Unknown(id)]
            : await store.ListAsync(new IncidentQuery(Since: context.Now - TimeSpan.FromHours(options.OpenedWithinHours), Limit: MaxPerRun), token);
        var results = new List<Correlation>();
        foreach (var incident in incidents)
        {
            results.Add(await CorrelateAsync(incident, options.AppendNote, context));
        }
        return new CorrelateSummary(true, context.DryRun, context.Now, WindowDays, MinScore, results);
    }

    private async Task<Correlation> CorrelateAsync(Incident incident, bool appendNote, JobContext context)
    {
        var related = (await reviews.CorrelatedAsync(incident, context.Now - TimeSpan.FromDays(WindowDays), MinScore, MaxRelated, context.CancellationToken))
            .Select(c => new RelatedIncident(c.Incident.Id, c.Score, c.Rules, c.Incident.Severity, c.Incident.Status, c.Incident.Service, c.Incident.Kind,
                c.Incident.Title, c.Incident.StartedAt))
            .ToList();
        int? seq = null;
        if (appendNote)
        {
            var note = related.Count == 0
                ? $"correlation: no related incident in the last {WindowDays} days"
                : $"correlation: {related.Count} related: " + string.Join(", ", related.Select(r => $"{r.Id} ({r.Score}: {string.Join("+", r.Rules)})"));
            context.Actions.Record("append_note", incident.Id, related.Count);
            if (!context.DryRun)
            {
                var (_, added) = await log.AddEventAsync(incident.Id, new IncidentChanges.EventDraft(IncidentEventType.Note, note, IncidentActor.Of(context), context.Now),
                    context.CancellationToken);
                seq = added.Seq;
            }
        }
        return new Correlation(incident.Id, related, seq);
    }
}
