using Aionis.Jobs.Telemetry;

namespace Aionis.Jobs.Reports;

/// <summary>Requests, server errors (5xx), p95 latency and requests slower than a threshold, of one endpoint or (Endpoint null) all.</summary>
public sealed record EndpointTraffic(string? Endpoint, long Requests, long ServerErrors, double? P95Ms, long Slow)
{
    public double? ErrorRate => Requests == 0 ? null : (double)ServerErrors / Requests;
}

public sealed record HourTraffic(DateTimeOffset Hour, long Requests);

public sealed record DayTraffic(DateOnly Day, string? Endpoint, long Requests, long ServerErrors, double? P95Ms, long Slow);

/// <summary>
/// The fleet's request telemetry (every tenant) aggregated in Postgres over half-open ranges [from, to), through the
/// telemetry area's statements (their <c>work_mem</c>, so the percentile sorts stay in memory).
/// </summary>
public sealed class TrafficReader(TelemetryStatements statements)
{
    private const string Range = "FROM memory_request_telemetry WHERE created_at >= $1 AND created_at < $2";

    /// <summary>Per endpoint, then the fleet total (endpoint null) first.</summary>
    public Task<IReadOnlyList<EndpointTraffic>> ByEndpointAsync(DateTimeOffset from, DateTimeOffset to, double slowMs, CancellationToken cancellationToken) =>
        statements.QueryAsync<IReadOnlyList<EndpointTraffic>>($"""
            SELECT endpoint, count(*), count(*) FILTER (WHERE status_code >= 500),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms), count(*) FILTER (WHERE latency_ms > $3)
              {Range}
             GROUP BY GROUPING SETS ((), (endpoint)) ORDER BY endpoint NULLS FIRST
            """, [from, to, slowMs], async reader =>
        {
            var rows = new List<EndpointTraffic>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new EndpointTraffic(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2),
                    reader.IsDBNull(3) ? null : reader.GetDouble(3), reader.GetInt64(4)));
            }
            if (rows.Count == 0 || rows[0].Endpoint is not null) rows.Insert(0, new EndpointTraffic(null, 0, 0, null, 0));
            return rows;
        }, cancellationToken);

    /// <summary>The busiest UTC hour of the range; null without traffic.</summary>
    public Task<HourTraffic?> PeakHourAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        statements.QueryAsync($"""
            SELECT date_trunc('hour', created_at, 'UTC'), count(*) {Range} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1
            """, [from, to], async reader =>
            await reader.ReadAsync(cancellationToken) ? new HourTraffic(reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt64(1)) : null,
            cancellationToken);

    /// <summary>Per UTC day: the fleet (endpoint null) and each endpoint, by day then endpoint.</summary>
    public Task<IReadOnlyList<DayTraffic>> DailyAsync(DateTimeOffset from, DateTimeOffset to, double slowMs, CancellationToken cancellationToken) =>
        statements.QueryAsync<IReadOnlyList<DayTraffic>>($"""
            SELECT (created_at AT TIME ZONE 'UTC')::date, endpoint, count(*), count(*) FILTER (WHERE status_code >= 500),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms), count(*) FILTER (WHERE latency_ms > $3)
              {Range}
             GROUP BY GROUPING SETS ((1), (1, 2)) ORDER BY 1, 2 NULLS FIRST
            """, [from, to, slowMs], async reader =>
        {
            var rows = new List<DayTraffic>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new DayTraffic(DateOnly.FromDateTime(reader.GetDateTime(0)), reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.GetInt64(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetDouble(4), reader.GetInt64(5)));
            }
            return rows;
        }, cancellationToken);
}
