using Aionis.Jobs.Framework;
using Npgsql;

namespace Aionis.Jobs.Telemetry;

/// <summary>
/// Per-key usage of a tenant, recent window against baseline (reference §5, <c>getTenantApiKeyUsageReport</c>); shared by the
/// key-usage anomaly job and alert dispatch. One pass over the baseline+window rows in Postgres: each row is in the recent
/// window or the baseline, and filtered aggregates give both sides of every (key prefix, endpoint) pair.
/// </summary>
public sealed class KeyUsageReader(NpgsqlDataSource dataSource, TelemetrySettings settings)
{
    private const string UsageSql = """
        SELECT api_key_prefix, endpoint,
               count(*) FILTER (WHERE recent) AS recent_total,
               count(*) FILTER (WHERE recent AND status_code >= 500) AS recent_server_errors,
               count(*) FILTER (WHERE recent AND status_code = 429) AS recent_throttled,
               coalesce(avg(latency_ms) FILTER (WHERE recent), 0) AS recent_latency_avg,
               coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE recent), 0) AS recent_latency_p95,
               count(*) FILTER (WHERE NOT recent) AS baseline_total,
               count(*) FILTER (WHERE NOT recent AND status_code >= 500) AS baseline_server_errors,
               count(*) FILTER (WHERE NOT recent AND status_code = 429) AS baseline_throttled,
               coalesce(avg(latency_ms) FILTER (WHERE NOT recent), 0) AS baseline_latency_avg,
               coalesce(stddev_pop(latency_ms) FILTER (WHERE NOT recent), 0) AS baseline_latency_stddev,
               count(*) OVER () AS pairs
          FROM (SELECT api_key_prefix, endpoint, status_code, latency_ms, created_at >= $3 AS recent
                  FROM memory_request_telemetry
                 WHERE tenant_id = $1 AND api_key_prefix IS NOT NULL AND created_at >= $2) AS requests
         GROUP BY api_key_prefix, endpoint
        HAVING count(*) FILTER (WHERE recent) > 0
         ORDER BY recent_total DESC, api_key_prefix ASC, endpoint ASC
         LIMIT $4
        """;

    public async Task<KeyUsageReport> ReadAsync(KeyUsageQuery query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var window = KeyUsageRetention.For(query.WindowHours, query.BaselineHours, settings.RetentionHours);
        KeyUsageReport Report(IReadOnlyList<KeyUsageItem> items, int pairs) => new()
        {
            Ok = true,
            TenantId = query.TenantId,
            GeneratedAt = now,
            Retention = window,
            Filters = new KeyUsageFilters(null, query.MinRequests, query.ZscoreThreshold),
            Page = new KeyUsagePage(query.Limit, 0, pairs, items.Count < pairs),
            Snapshot = new KeyUsageSnapshot(now),
            Anomalies = new KeyUsageAnomalyCount(items.Count(i => i.Anomaly.IsAnomaly)),
            Items = items,
        };

        try
        {
            var (counts, pairs) = await ReadCountsAsync(query, window, now, cancellationToken);
            return Report(counts.Select(c => KeyUsageRules.Evaluate(c, window, query)).ToList(), pairs);
        }
        catch (Exception e) when (PostgresErrors.IsUndefinedTable(e))
        {
            return Report([], 0) with { Ok = false, Warning = RequestTelemetry.TableMissing };
        }
    }

    private async Task<(List<KeyUsageCounts> Counts, int Pairs)> ReadCountsAsync(KeyUsageQuery query, KeyUsageRetention window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(UsageSql);
        command.Parameters.Add(new NpgsqlParameter { Value = query.TenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = now - TimeSpan.FromHours(window.AppliedBaselineHours) });
        command.Parameters.Add(new NpgsqlParameter { Value = now - TimeSpan.FromHours(window.AppliedWindowHours) });
        command.Parameters.Add(new NpgsqlParameter { Value = query.Limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
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
    }
}
