using Npgsql;
using static Aionis.Data.Incidents.IncidentRows;

namespace Aionis.Data.Incidents;

public sealed record CorrelatedIncident(Incident Incident, int Score, IReadOnlyList<string> Rules);

/// <summary>The review jobs' reads: open follow-ups and urgent incidents, stale incidents, related incidents.</summary>
public sealed class IncidentReviews(NpgsqlDataSource dataSource)
{
    /// <summary>Follow-ups not done, created since <paramref name="since"/>, of incidents matching the filters; by due time.</summary>
    public async Task<IReadOnlyList<FollowupRow>> OpenFollowupsAsync(string? service, string? env, DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT e.incident_id, e.seq, e.message, e.priority, e.owner, e.due_at, e.at, i.severity, i.title
              FROM worker.incident_events e JOIN worker.incidents i ON i.id = e.incident_id
             WHERE e.type = 'followup' AND e.done_at IS NULL AND e.at >= $3
               AND ($1::text IS NULL OR i.service = $1) AND ($2::text IS NULL OR i.env = $2)
             ORDER BY e.due_at NULLS LAST, e.incident_id, e.seq LIMIT $4
            """);
        command.Parameters.Add(Text(service));
        command.Parameters.Add(Text(env));
        command.Parameters.Add(new() { Value = since });
        command.Parameters.Add(new() { Value = limit });
        return await ReadAllAsync(command, IncidentReports.ReadFollowup, cancellationToken);
    }

    /// <summary>Open or mitigating incidents of the given severities matching the filters, oldest first.</summary>
    public async Task<IReadOnlyList<Incident>> OpenIncidentsAsync(string[] severities, string? service, string? env, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {IncidentColumns} FROM worker.incidents
             WHERE status IN ('open', 'mitigating') AND severity = ANY($1)
               AND ($2::text IS NULL OR service = $2) AND ($3::text IS NULL OR env = $3)
             ORDER BY severity, started_at, id LIMIT $4
            """);
        command.Parameters.Add(new() { Value = severities });
        command.Parameters.Add(Text(service));
        command.Parameters.Add(Text(env));
        command.Parameters.Add(new() { Value = limit });
        return await ReadAllAsync(command, r => ReadIncident(r), cancellationToken);
    }

    /// <summary>Open or mitigating incidents whose last event is older than <paramref name="quietSince"/>, quietest first.</summary>
    public async Task<IReadOnlyList<Incident>> StaleAsync(DateTimeOffset quietSince, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {IncidentColumns} FROM worker.incidents
             WHERE status IN ('open', 'mitigating') AND last_event_at < $1
             ORDER BY last_event_at, id LIMIT $2
            """);
        command.Parameters.Add(new() { Value = quietSince });
        command.Parameters.Add(new() { Value = limit });
        return await ReadAllAsync(command, r => ReadIncident(r), cancellationToken);
    }

    /// <summary>
    /// Incidents started since <paramref name="since"/> scored against one: same signature 100, same service and kind 60,
    /// same service within 180 minutes 40, same kind on another service within 120 minutes 30 (rules add up); those
    /// scoring at least <paramref name="minimumScore"/>, best first.
    /// </summary>
    public async Task<IReadOnlyList<CorrelatedIncident>> CorrelatedAsync(Incident incident, DateTimeOffset since, int minimumScore, int limit,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {IncidentColumns}, rules.score, rules.names
              FROM worker.incidents i
             CROSS JOIN LATERAL (
                   SELECT coalesce(sum(r.points), 0)::int AS score, coalesce(array_agg(r.name ORDER BY r.points DESC), ARRAY[]::text[]) AS names
                     FROM (VALUES
                           ('same_signature', 100, i.signature = $2),
                           ('same_service_and_kind', 60, i.service = $3 AND i.kind = $4),
                           ('same_service_within_180m', 40, i.service = $3 AND abs(extract(epoch FROM i.started_at - $5)) <= 180 * 60),
                           ('same_kind_other_service_within_120m', 30, i.kind = $4 AND i.service <> $3 AND abs(extract(epoch FROM i.started_at - $5)) <= 120 * 60)
                          ) r(name, points, hit)
                    WHERE r.hit) rules
             WHERE i.id <> $1 AND i.started_at >= $6 AND rules.score >= $7
             ORDER BY rules.score DESC, abs(extract(epoch FROM i.started_at - $5)), i.id
             LIMIT $8
            """);
        command.Parameters.Add(new() { Value = incident.Id });
        command.Parameters.Add(new() { Value = incident.Signature });
        command.Parameters.Add(new() { Value = incident.Service });
        command.Parameters.Add(new() { Value = incident.Kind });
        command.Parameters.Add(new() { Value = incident.StartedAt });
        command.Parameters.Add(new() { Value = since });
        command.Parameters.Add(new() { Value = minimumScore });
        command.Parameters.Add(new() { Value = limit });
        return await ReadAllAsync(command, r => new CorrelatedIncident(ReadIncident(r), r.GetInt32(16), r.GetFieldValue<string[]>(17)), cancellationToken);
    }
}
