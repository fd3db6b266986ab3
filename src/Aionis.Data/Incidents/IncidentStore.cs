using Npgsql;
using static Aionis.Data.Incidents.IncidentRows;

namespace Aionis.Data.Incidents;

/// <summary>
/// The Postgres incident log: reads here, writes through an <see cref="IncidentTransaction"/> so that an event, the
/// incident's new state and (for triage) the claimed alerts commit together.
/// </summary>
public sealed class IncidentStore(NpgsqlDataSource dataSource)
{
    public async Task<IncidentTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            return new IncidentTransaction(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<Incident?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {IncidentColumns} FROM worker.incidents WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return (await ReadAllAsync(command, r => ReadIncident(r), cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<IncidentEvent>> EventsAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {EventColumns} FROM worker.incident_events WHERE incident_id = $1 ORDER BY seq");
        command.Parameters.Add(new() { Value = id });
        return await ReadAllAsync(command, ReadEvent, cancellationToken);
    }

    public async Task<IReadOnlyList<IncidentArtifact>> ArtifactsAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {ArtifactColumns} FROM worker.incident_artifacts WHERE incident_id = $1 ORDER BY name");
        command.Parameters.Add(new() { Value = id });
        return await ReadAllAsync(command, ReadArtifact, cancellationToken);
    }

    public async Task<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {IncidentColumns} FROM worker.incidents
             WHERE ($1::text IS NULL OR status = $1)
               AND ($2::text IS NULL OR service = $2)
               AND ($3::timestamptz IS NULL OR started_at >= $3)
             ORDER BY started_at DESC, id
             LIMIT $4
            """);
        command.Parameters.Add(Text(query.Status));
        command.Parameters.Add(Text(query.Service));
        command.Parameters.Add(Time(query.Since));
        command.Parameters.Add(new() { Value = query.Limit });
        return await ReadAllAsync(command, r => ReadIncident(r), cancellationToken);
    }
}
