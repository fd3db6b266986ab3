namespace Aionis.Data.Incidents;

/// <summary>One row of <c>worker.incident_artifacts</c>: a file in the incident's folder, listed only once fully written.</summary>
public sealed record IncidentArtifact
{
    public required string IncidentId { get; init; }
    public required string Name { get; init; }

    /// <summary><c>json</c>, <c>md</c> or <c>txt</c>.</summary>
    public required string Kind { get; init; }
    public required long SizeBytes { get; init; }
    public required string Sha256 { get; init; }
    public required string Path { get; init; }
    public required DateTimeOffset AddedAt { get; init; }
    public required string AddedBy { get; init; }
}
