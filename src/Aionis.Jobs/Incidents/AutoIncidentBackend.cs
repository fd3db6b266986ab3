using Aionis.Data.Incidents;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aionis.Jobs.Incidents;

/// <summary>
/// <c>Incidents:Backend = auto</c>: Postgres; on a connection failure the operation goes to JSONL, the switch is logged
/// once, and Postgres is tried again after <c>Incidents:PostgresRetryAfter</c>. Before the first Postgres operation after
/// an outage the JSONL backlog is moved into Postgres (<see cref="JsonlBacklogMover"/>), so reads and writes see one log.
/// </summary>
public sealed class AutoIncidentBackend(
    PostgresIncidentBackend postgres,
    JsonlIncidentStore jsonl,
    JsonlBacklogMover mover,
    IncidentSettings settings,
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    ILogger<AutoIncidentBackend> logger) : IIncidentBackend
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _fallbackUntil;
    private string _lastUsed = IncidentSettings.Postgres;

    public string LastUsed => _lastUsed;

    public Task CreateAsync(Incident incident, CancellationToken cancellationToken) =>
        UseAsync(async b => { await b.CreateAsync(incident, cancellationToken); return 0; }, cancellationToken);

    public Task<(Incident Updated, IncidentEvent Event)> ChangeAsync(string id, IncidentChange change, CancellationToken cancellationToken) =>
        UseAsync(b => b.ChangeAsync(id, change, cancellationToken), cancellationToken);

    public Task<IncidentEvent?> CompleteFollowupAsync(string id, int seq, DateTimeOffset at, CancellationToken cancellationToken) =>
        UseAsync(b => b.CompleteFollowupAsync(id, seq, at, cancellationToken), cancellationToken);

    public Task AddArtifactAsync(IncidentArtifact artifact, CancellationToken cancellationToken) =>
        UseAsync(async b => { await b.AddArtifactAsync(artifact, cancellationToken); return 0; }, cancellationToken);

    public Task<IncidentDetail?> ShowAsync(string id, CancellationToken cancellationToken) =>
        UseAsync(b => b.ShowAsync(id, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken) =>
        UseAsync(b => b.ListAsync(query, cancellationToken), cancellationToken);

    private async Task<T> UseAsync<T>(Func<IIncidentBackend, Task<T>> operation, CancellationToken cancellationToken)
    {
        DateTimeOffset? until;
        lock (_gate) until = _fallbackUntil;
        if (until is { } retryAt && clock.GetUtcNow() < retryAt)
        {
            return await OnJsonlAsync(operation);
        }
        try
        {
            if (await mover.MoveAsync(cancellationToken) is { } moved)
            {
                logger.BacklogMoved(moved.Incidents, moved.Events, moved.Artifacts);
            }
            var result = await operation(postgres);
            lock (_gate)
            {
                if (_fallbackUntil is not null) logger.BackOnPostgres();
                _fallbackUntil = null;
                _lastUsed = IncidentSettings.Postgres;
            }
            return result;
        }
        catch (Exception e) when (PostgresFailures.IsUnreachable(e))
        {
            lock (_gate)
            {
                if (_fallbackUntil is null) logger.SwitchedToJsonl(JobErrors.Text(e), jsonl.Directory, settings.PostgresRetryAfter);
                _fallbackUntil = clock.GetUtcNow() + settings.PostgresRetryAfter;
            }
            // Pooled connections of a server that went away are dead; the retry must open new ones.
            dataSource.Clear();
            return await OnJsonlAsync(operation);
        }
    }

    private Task<T> OnJsonlAsync<T>(Func<IIncidentBackend, Task<T>> operation)
    {
        lock (_gate) _lastUsed = IncidentSettings.Jsonl;
        return operation(jsonl);
    }
}
