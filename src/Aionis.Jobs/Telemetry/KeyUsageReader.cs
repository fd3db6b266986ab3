using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Telemetry;

/// <summary>
/// Per-key usage of a tenant, recent window against baseline (<c>getTenantApiKeyUsageReport</c>); shared by the
/// key-usage anomaly job and alert dispatch. One statement, one pass over the tenant's index range: the recent slice and
/// the baseline before it are two disjoint ranges of <c>(tenant_id, created_at)</c>, each read once and grouped on its own.
/// <para>
/// Only the recent side has an ordered aggregate (the p95), so only the recent rows are sorted; the baseline (six times as
/// many rows at 24 h vs 168 h) is hash-aggregated, which the planner may split over parallel workers, so the cost grows
/// linearly with the baseline length. One grouping with filtered aggregates for both sides (the previous statement) put
/// <c>percentile_cont</c> beside the baseline columns and made Postgres sort every recent and baseline row (about 450k
/// rows, a 54 MB sort, for the hot tenant at 10M rows); collecting the recent latencies with <c>array_agg</c> instead
/// keeps one scan but cannot be parallel and evaluates ten filters per row, and measured slower (bench/Aionis.Bench).
/// </para>
/// </summary>
public sealed class KeyUsageReader(TelemetryStatements statements, TelemetrySettings settings)
{
    private const string UsageSql = """
        WITH recent AS (
          SELECT api_key_prefix, endpoint, count(*) AS total,
                 count(*) FILTER (WHERE status_code >= 500) AS server_errors,
                 count(*) FILTER (WHERE status_code = 429) AS throttled,
                 avg(latency_ms) AS latency_avg,
                 percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS latency_p95
            FROM memory_request_telemetry
           WHERE tenant_id = $1 AND api_key_prefix IS NOT NULL AND created_at >= $3
           GROUP BY api_key_prefix, endpoint),
        baseline AS (
          SELECT api_key_prefix, endpoint, count(*) AS total,
                 count(*) FILTER (WHERE status_code >= 500) AS server_errors,
                 count(*) FILTER (WHERE status_code = 429) AS throttled,
                 avg(latency_ms) AS latency_avg,
                 stddev_pop(latency_ms) AS latency_stddev
            FROM memory_request_telemetry
           WHERE tenant_id = $1 AND api_key_prefix IS NOT NULL AND created_at >= $2 AND created_at < $3
           GROUP BY api_key_prefix, endpoint)
        SELECT r.api_key_prefix, r.endpoint, r.total, r.server_errors, r.throttled, r.latency_avg, r.latency_p95,
               coalesce(b.total, 0), coalesce(b.server_errors, 0), coalesce(b.throttled, 0),
               coalesce(b.latency_avg, 0), coalesce(b.latency_stddev, 0),
               count(*) OVER () AS pairs
          FROM recent r LEFT JOIN baseline b USING (api_key_prefix, endpoint)
         ORDER BY r.total DESC, r.api_key_prefix ASC, r.endpoint ASC
         LIMIT $4
        """;

    /// <param name="limit">Most pairs in the report, busiest first.</param>
    public async Task<KeyUsageReport> ReadAsync(string tenantId, KeyUsageThresholds thresholds, int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var window = KeyUsageRetention.For(thresholds.WindowHours, thresholds.BaselineHours, settings.RetentionHours);
        KeyUsageReport Report(IReadOnlyList<KeyUsageItem> items, int pairs) => new()
        {
            Ok = true,
            TenantId = tenantId,
            GeneratedAt = now,
            Retention = window,
            Filters = new KeyUsageFilters(null, thresholds.MinRequests, thresholds.ZscoreThreshold),
            Page = new KeyUsagePage(limit, 0, pairs, items.Count < pairs),
            Snapshot = new KeyUsageSnapshot(now),
            Anomalies = new KeyUsageAnomalyCount(items.Count(i => i.Anomaly.IsAnomaly)),
            Items = items,
        };

        try
        {
            var (counts, pairs) = await ReadCountsAsync(tenantId, limit, window, now, cancellationToken);
            return Report(counts.Select(c => KeyUsageRules.Evaluate(c, window, thresholds)).ToList(), pairs);
        }
        catch (Exception e) when (PostgresFailures.IsUndefinedTable(e))
        {
            return Report([], 0) with { Ok = false, Warning = RequestTelemetry.TableMissing };
        }
    }

    private Task<(List<KeyUsageCounts> Counts, int Pairs)> ReadCountsAsync(string tenantId, int limit, KeyUsageRetention window, DateTimeOffset now, CancellationToken cancellationToken) =>
        statements.QueryAsync(UsageSql,
            [tenantId, now - TimeSpan.FromHours(window.AppliedBaselineHours), now - TimeSpan.FromHours(window.AppliedWindowHours), limit],
            async reader =>
            {
                var counts = new List<KeyUsageCounts>();
                var pairs = 0;
                while (await reader.ReadAsync(cancellationToken))
                {
                    counts.Add(new KeyUsageCounts(
                        reader.GetString(0), reader.GetString(1),
                        reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetDouble(5), reader.GetDouble(6),
                        reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetDouble(10), reader.GetDouble(11)));
                    pairs = (int)reader.GetInt64(12);
                }
                return (counts, pairs);
            },
            cancellationToken);
}
