using Aionis.Data.Incidents;

namespace Aionis.Jobs.Incidents;

/// <summary>A new incident as the operator (or triage) describes it.</summary>
public sealed record NewIncident(string Service, string Severity, string Title)
{
    public string Env { get; init; } = "prod";
    public string Kind { get; init; } = "manual";
    public DateTimeOffset? StartedAt { get; init; }
    public string? Summary { get; init; }

    /// <summary>What makes two incidents "the same problem" beside service, env and kind (default: the title).</summary>
    public string? Fingerprint { get; init; }
}

/// <summary>
/// The incident routine of the runbook on whichever backend is configured: create, add timeline events, complete
/// follow-ups, attach files, close, list and show. Used by <c>aionis incident</c> and by the jobs that write notes.
/// </summary>
public sealed class IncidentLog(IIncidentBackend backend, IncidentSettings settings, TimeProvider clock)
{
    /// <summary>Where the last operation went (<c>postgres</c> or <c>jsonl</c>).</summary>
    public string Backend => backend.LastUsed;

    public async Task<Incident> CreateAsync(NewIncident request, string actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var incident = Build(request, actor, now);
        await backend.CreateAsync(incident, cancellationToken);
        return incident;
    }

    /// <summary>The record a new incident gets (id from the creation time, signature from service, env, kind and fingerprint).</summary>
    public static Incident Build(NewIncident request, string actor, DateTimeOffset now)
    {
        var started = request.StartedAt ?? now;
        return new Incident
        {
            Id = IncidentIds.New(now),
            Service = request.Service,
            Env = request.Env,
            Kind = request.Kind,
            Severity = request.Severity,
            Title = request.Title,
            Summary = request.Summary,
            Status = IncidentStatus.Open,
            Signature = IncidentIds.Signature(request.Service, request.Env, request.Kind, request.Fingerprint ?? request.Title.Trim().ToLowerInvariant()),
            StartedAt = started,
            CreatedBy = actor,
            LastEventAt = now > started ? now : started,
            Occurrences = 1,
            UpdatedAt = now,
        };
    }

    public Task<(Incident Updated, IncidentEvent Event)> AddEventAsync(string id, IncidentChanges.EventDraft draft, CancellationToken cancellationToken) =>
        backend.ChangeAsync(id, IncidentChanges.Add(draft), cancellationToken);

    public async Task<IncidentEvent> CompleteFollowupAsync(string id, int seq, CancellationToken cancellationToken) =>
        await backend.CompleteFollowupAsync(id, seq, clock.GetUtcNow(), cancellationToken)
        ?? throw new IncidentRequestException($"SEQ '{seq}': incident '{id}' has no follow-up with that seq");

    public async Task<IncidentArtifact> AttachAsync(string id, string file, string actor, CancellationToken cancellationToken)
    {
        var source = IncidentArtifactFiles.Check(file);
        _ = await backend.ShowAsync(id, cancellationToken) ?? throw PostgresIncidentBackend.Unknown(id);
        var artifact = await IncidentArtifactFiles.StoreAsync(settings.Directory, id, source, actor, clock.GetUtcNow(), cancellationToken);
        await backend.AddArtifactAsync(artifact, cancellationToken);
        return artifact;
    }

    public Task<(Incident Updated, IncidentEvent Event)> CloseAsync(string id, string? resolution, string actor, CancellationToken cancellationToken) =>
        AddEventAsync(id, new IncidentChanges.EventDraft(IncidentEventType.Status, resolution is { Length: > 0 } r ? $"closed: {r}" : "closed", actor, clock.GetUtcNow())
        {
            Status = IncidentStatus.Closed,
        }, cancellationToken);

    public Task<IncidentDetail?> ShowAsync(string id, CancellationToken cancellationToken) => backend.ShowAsync(id, cancellationToken);

    public Task<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken) => backend.ListAsync(query, cancellationToken);
}
