using Aionis.Data.Incidents;

namespace Aionis.Jobs.Incidents;

/// <summary>The incident log in <c>worker.incidents</c>; fails (exit 75) while the database is unreachable.</summary>
public sealed class PostgresIncidentBackend(IncidentStore store) : IIncidentBackend
{
    public string LastUsed => IncidentSettings.Postgres;

    public async Task CreateAsync(Incident incident, CancellationToken cancellationToken)
    {
        await using var transaction = await store.BeginAsync(cancellationToken);
        await transaction.InsertIncidentAsync(incident, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<(Incident Updated, IncidentEvent Event)> ChangeAsync(string id, IncidentChange change, CancellationToken cancellationToken)
    {
        await using var transaction = await store.BeginAsync(cancellationToken);
        var result = await ApplyAsync(transaction, id, change, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>One change inside a caller's transaction (triage commits its changes with the claimed alerts).</summary>
    public static async Task<(Incident Updated, IncidentEvent Event)> ApplyAsync(IncidentTransaction transaction, string id, IncidentChange change,
        CancellationToken cancellationToken)
    {
        var current = await transaction.LockAsync(id, cancellationToken) ?? throw Unknown(id);
        var (updated, incidentEvent) = change(current, await transaction.NextSeqAsync(id, cancellationToken));
        await transaction.InsertEventAsync(incidentEvent, cancellationToken);
        await transaction.UpdateIncidentAsync(updated, cancellationToken);
        return (updated, incidentEvent);
    }

    public async Task<IncidentEvent?> CompleteFollowupAsync(string id, int seq, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var transaction = await store.BeginAsync(cancellationToken);
        var done = await transaction.CompleteFollowupAsync(id, seq, at, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return done;
    }

    public async Task AddArtifactAsync(IncidentArtifact artifact, CancellationToken cancellationToken)
    {
        await using var transaction = await store.BeginAsync(cancellationToken);
        _ = await transaction.LockAsync(artifact.IncidentId, cancellationToken) ?? throw Unknown(artifact.IncidentId);
        await transaction.UpsertArtifactAsync(artifact, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IncidentDetail?> ShowAsync(string id, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } incident
            ? new IncidentDetail(incident, await store.EventsAsync(id, cancellationToken), await store.ArtifactsAsync(id, cancellationToken))
            : null;

    public Task<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken) => store.ListAsync(query, cancellationToken);

    internal static IncidentRequestException Unknown(string id) => new($"incident '{id}': no such incident");
}
