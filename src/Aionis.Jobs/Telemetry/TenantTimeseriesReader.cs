using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Telemetry;

/// <summary>
/// A tenant's request telemetry in hourly buckets per endpoint (<c>getTenantRequestTimeseries</c>).
/// One aggregate statement does all the work in Postgres; the per-endpoint budget is the sum of the hourly rows.
/// </summary>
public sealed class TenantTimeseriesReader(TelemetryStatements statements)
{
    /// <summary>The reference library's defaults when the export job calls it: 720 h retention, one page of 5000 rows.</summary>
    public const int RetentionHours = 720;
    public const int PageLimit = 5000;

    // Buckets are truncated in UTC explicitly, whatever the session or server time zone says.
    private const string HourlySeriesSql = """
        SELECT date_trunc('hour', created_at, 'UTC') AS bucket_utc,
               endpoint,
               count(*) AS total,
               count(*) FILTER (WHERE status_code >= 500) AS server_errors,
               count(*) FILTER (WHERE status_code = 429) AS throttled,
               count(*) FILTER (WHERE status_code >= 400 AND status_code < 500 AND status_code <> 429) AS client_errors,
               percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms) AS latency_percentiles
          FROM memory_request_telemetry
         WHERE tenant_id = $1 AND created_at >= $2
         GROUP BY 1, 2
         ORDER BY bucket_utc DESC, endpoint ASC
        """;

    public async Task<TenantTimeseries> ReadAsync(string tenantId, int windowHours, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var applied = Math.Min(windowHours, RetentionHours);
        var retention = new TimeseriesRetention(RetentionHours, windowHours, applied, applied < windowHours);
        TenantTimeseries Result(List<TimeseriesRow> series) => new()
        {
            Ok = true,
            TenantId = tenantId,
            WindowHours = applied,
            Retention = retention,
            Page = new TimeseriesPage(PageLimit, 0, series.Count, series.Count > PageLimit),
            Snapshot = new TimeseriesSnapshot(now),
            GeneratedAt = now,
            Series = series.Take(PageLimit).ToList(),
            Budget = BudgetByEndpoint(series),
        };

        try
        {
            return Result(await ReadSeriesAsync(tenantId, now - TimeSpan.FromHours(applied), cancellationToken));
        }
        catch (Exception e) when (PostgresFailures.IsUndefinedTable(e))
        {
            return Result([]) with { Ok = false, Warning = RequestTelemetry.TableMissing };
        }
    }

    private Task<List<TimeseriesRow>> ReadSeriesAsync(string tenantId, DateTimeOffset since, CancellationToken cancellationToken) =>
        statements.QueryAsync(HourlySeriesSql, [tenantId, since], async reader =>
        {
            var rows = new List<TimeseriesRow>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var total = reader.GetInt64(2);
                var serverErrors = reader.GetInt64(3);
                var throttled = reader.GetInt64(4);
                var percentiles = reader.GetFieldValue<double[]>(6);
                rows.Add(new TimeseriesRow(
                    BucketUtc: reader.GetFieldValue<DateTimeOffset>(0),
                    Endpoint: reader.GetString(1),
                    Total: total,
                    ServerErrors: serverErrors,
                    Throttled: throttled,
                    ClientErrors: reader.GetInt64(5),
                    LatencyP50Ms: percentiles[0],
                    LatencyP95Ms: percentiles[1],
                    LatencyP99Ms: percentiles[2],
                    ErrorBudgetConsumed: serverErrors + throttled,
                    ErrorRate: ErrorRate(serverErrors + throttled, total)));
            }
            return rows;
        }, cancellationToken, preferParallel: true);

    private static List<EndpointBudget> BudgetByEndpoint(IEnumerable<TimeseriesRow> series) => series
        .GroupBy(r => r.Endpoint, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g =>
        {
            long total = g.Sum(r => r.Total), serverErrors = g.Sum(r => r.ServerErrors), throttled = g.Sum(r => r.Throttled);
            return new EndpointBudget(g.Key, total, serverErrors, throttled, serverErrors + throttled, ErrorRate(serverErrors + throttled, total));
        })
        .ToList();

    private static double ErrorRate(long errors, long total) => total > 0 ? JobMath.Round6((double)errors / total) : 0;
}
