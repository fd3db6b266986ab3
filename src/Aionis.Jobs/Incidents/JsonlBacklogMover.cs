using Aionis.Data.Incidents;

namespace Aionis.Jobs.Incidents;

/// <summary>
/// Moves what the JSONL fallback holds into Postgres, exactly once: under the folder's lock, the records go in batches
/// of idempotent upserts (by incident id, by incident id and event seq), and only when all are committed are the files
/// removed. A kill at any point leaves the files; the next move writes the same records again and changes nothing
/// that is already there. Artifact files stay where they are: both backends keep them in the same folders.
/// </summary>
public sealed class JsonlBacklogMover(JsonlIncidentStore jsonl, IncidentStore postgres)
{
    public const int BatchSize = 500;

    public sealed record MoveResult(int Incidents, int Events, int Artifacts);

    public async Task<MoveResult?> MoveAsync(CancellationToken cancellationToken)
    {
        if (!jsonl.HasBacklog) return null;
        return await jsonl.LockedAsync(async () =>
        {
            var snapshot = jsonl.Read();
            if (snapshot.IsEmpty)
            {
                jsonl.Clear();
                return null;
            }
            foreach (var batch in snapshot.Incidents.Values.Chunk(BatchSize))
            {
                await ImportAsync(batch, [], [], cancellationToken);
            }
            foreach (var batch in snapshot.Events.Values.OrderBy(e => e.IncidentId, StringComparer.Ordinal).ThenBy(e => e.Seq).Chunk(BatchSize))
            {
                await ImportAsync([], batch, [], cancellationToken);
            }
            foreach (var batch in snapshot.Artifacts.Values.Chunk(BatchSize))
            {
                await ImportAsync([], [], batch, cancellationToken);
            }
            jsonl.Clear();
            return new MoveResult(snapshot.Incidents.Count, snapshot.Events.Count, snapshot.Artifacts.Count);
        }, cancellationToken);
    }

    private async Task ImportAsync(IReadOnlyList<Incident> incidents, IReadOnlyList<IncidentEvent> events, IReadOnlyList<IncidentArtifact> artifacts,
        CancellationToken cancellationToken)
    {
        await using var transaction = await postgres.BeginAsync(cancellationToken);
        await transaction.ImportAsync(incidents, events, artifacts, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
