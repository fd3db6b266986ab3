using Aionis.Data.Incidents;

namespace Aionis.Jobs.Incidents;

/// <summary>An incident with its timeline and artifacts (<c>aionis incident show</c>).</summary>
public sealed record IncidentDetail(Incident Incident, IReadOnlyList<IncidentEvent> Events, IReadOnlyList<IncidentArtifact> Artifacts);

/// <summary>Computes an incident's next state and the event that records it, given the current state and the next seq.</summary>
public delegate (Incident Updated, IncidentEvent Event) IncidentChange(Incident current, int nextSeq);

/// <summary>Where the incident log lives: Postgres, the JSONL files, or Postgres with the JSONL fallback.</summary>
public interface IIncidentBackend
{
    /// <summary><c>postgres</c> or <c>jsonl</c>: where the last operation went.</summary>
    string LastUsed { get; }

    Task CreateAsync(Incident incident, CancellationToken cancellationToken);

    /// <summary>Applies a change atomically; throws <see cref="IncidentRequestException"/> for an unknown incident.</summary>
    Task<(Incident Updated, IncidentEvent Event)> ChangeAsync(string id, IncidentChange change, CancellationToken cancellationToken);

    Task<IncidentEvent?> CompleteFollowupAsync(string id, int seq, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Lists an artifact whose file is already complete in the incident's folder.</summary>
    Task AddArtifactAsync(IncidentArtifact artifact, CancellationToken cancellationToken);

    Task<IncidentDetail?> ShowAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken);
}
