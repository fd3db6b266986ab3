using Npgsql;
using static Aionis.Data.Incidents.IncidentRows;

namespace Aionis.Data.Incidents;

public sealed record DimensionCount(string Dimension, string Key, long Opened, long Resolved, long StillOpen);

public sealed record ResolveTimes(long Resolved, double? MeanMinutes, double? P90Minutes);

public sealed record RecurrenceCount(string Key, string Service, string Kind, string LatestTitle, long Last7Days, long Last30Days);

public sealed record FollowupRow(string IncidentId, int Seq, string Message, string? Priority, string? Owner, DateTimeOffset? DueAt,
    DateTimeOffset CreatedAt, string IncidentSeverity, string IncidentTitle);

public sealed record DailyCount(DateOnly Day, string Severity, long Opened);

/// <summary>
/// The weekly digest's figures, aggregated in Postgres over a half-open range [from, to). Everything is judged as of
/// <c>to</c> (the week's end), never as of "now", so the same data gives the same digest whenever it is rendered.
/// </summary>
public sealed class IncidentReports(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<DimensionCount>> CountsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT d.dimension, d.key,
                   count(*) FILTER (WHERE i.opened), count(*) FILTER (WHERE i.resolved), count(*) FILTER (WHERE i.still_open)
              FROM (SELECT severity, service, kind,
                           started_at >= $1 AS opened,
                           coalesce(resolved_at >= $1 AND resolved_at < $2, false) AS resolved,
                           (resolved_at IS NULL OR resolved_at >= $2) AS still_open
                      FROM worker.incidents
                     WHERE started_at < $2 AND (resolved_at IS NULL OR resolved_at >= $1)) i
             CROSS JOIN LATERAL (VALUES ('severity', i.severity), ('service', i.service), ('kind', i.kind)) d(dimension, key)
             GROUP BY d.dimension, d.key
             ORDER BY d.dimension, d.key
            """);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        return await ReadAllAsync(command, r => new DimensionCount(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)), cancellationToken);
    }

    public async Task<ResolveTimes> ResolveTimesAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT count(*), round(avg(m)::numeric, 1)::float8, round(percentile_cont(0.9) WITHIN GROUP (ORDER BY m)::numeric, 1)::float8
              FROM (SELECT extract(epoch FROM resolved_at - started_at) / 60.0 AS m
                      FROM worker.incidents WHERE resolved_at >= $1 AND resolved_at < $2) t
            """);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        return (await ReadAllAsync(command, r => new ResolveTimes(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetDouble(1), r.IsDBNull(2) ? null : r.GetDouble(2)),
            cancellationToken)).Single();
    }

    /// <summary>Incidents opened in the range, worst first: severity, then occurrences, then start.</summary>
    public async Task<IReadOnlyList<Incident>> TopAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {IncidentColumns} FROM worker.incidents WHERE started_at >= $1 AND started_at < $2
             ORDER BY severity, occurrences DESC, started_at, id LIMIT $3
            """);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        command.Parameters.Add(new() { Value = limit });
        return await ReadAllAsync(command, r => ReadIncident(r), cancellationToken);
    }

    /// <summary>
    /// Incidents started in the 7 and 30 days before <paramref name="to"/>, grouped by <paramref name="grouping"/>
    /// (signature, kind, or service+kind), keeping groups with at least <paramref name="minimum30"/> in 30 days or
    /// <paramref name="minimum7"/> in 7.
    /// </summary>
    public async Task<IReadOnlyList<RecurrenceCount>> RecurrenceAsync(RecurrenceGrouping grouping, DateTimeOffset to, int minimum7, int minimum30,
        CancellationToken cancellationToken)
    {
        var key = grouping switch
        {
            RecurrenceGrouping.Signature => "signature",
            RecurrenceGrouping.Kind => "kind",
            _ => "service || '/' || kind",
        };
        await using var command = dataSource.CreateCommand($"""
            SELECT {key} AS key, min(service), min(kind), (array_agg(title ORDER BY started_at DESC, id))[1],
                   count(*) FILTER (WHERE started_at >= $1 - interval '7 days'), count(*)
              FROM worker.incidents
             WHERE started_at >= $1 - interval '30 days' AND started_at < $1
             GROUP BY 1
            HAVING count(*) FILTER (WHERE started_at >= $1 - interval '7 days') >= $2 OR count(*) >= $3
             ORDER BY 6 DESC, 5 DESC, 1
            """);
        command.Parameters.Add(new() { Value = to });
        command.Parameters.Add(new() { Value = minimum7 });
        command.Parameters.Add(new() { Value = minimum30 });
        return await ReadAllAsync(command, r => new RecurrenceCount(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5)),
            cancellationToken);
    }

    /// <summary>Follow-ups created before <paramref name="asOf"/> and not done by then, by due time.</summary>
    public async Task<IReadOnlyList<FollowupRow>> OpenFollowupsAsync(DateTimeOffset asOf, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT e.incident_id, e.seq, e.message, e.priority, e.owner, e.due_at, e.at, i.severity, i.title
              FROM worker.incident_events e JOIN worker.incidents i ON i.id = e.incident_id
             WHERE e.type = 'followup' AND coalesce(e.done_at, 'infinity'::timestamptz) >= $1 AND e.at < $1
             ORDER BY e.due_at NULLS LAST, e.incident_id, e.seq LIMIT $2
            """);
        command.Parameters.Add(new() { Value = asOf });
        command.Parameters.Add(new() { Value = limit });
        return await ReadAllAsync(command, ReadFollowup, cancellationToken);
    }

    public async Task<IReadOnlyList<DailyCount>> DailyAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT (started_at AT TIME ZONE 'UTC')::date, severity, count(*) FROM worker.incidents
             WHERE started_at >= $1 AND started_at < $2 GROUP BY 1, 2 ORDER BY 1, 2
            """);
        command.Parameters.Add(new() { Value = from });
        command.Parameters.Add(new() { Value = to });
        return await ReadAllAsync(command, r => new DailyCount(DateOnly.FromDateTime(r.GetDateTime(0)), r.GetString(1), r.GetInt64(2)), cancellationToken);
    }

    internal static FollowupRow ReadFollowup(NpgsqlDataReader r) => new(r.GetString(0), r.GetInt32(1), r.GetString(2),
        r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6), r.GetString(7), r.GetString(8));
}

public enum RecurrenceGrouping
{
    Signature,
    Kind,
    ServiceAndKind,
}
