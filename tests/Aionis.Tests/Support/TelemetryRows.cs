namespace Aionis.Tests.Support;

/// <summary>Request telemetry with varied shapes, generated in Postgres, for comparing the jobs with independent SQL.</summary>
public static class TelemetryRows
{
    /// <summary>
    /// <paramref name="count"/> requests of one tenant, one every <paramref name="every"/> from <paramref name="from"/>, cycling
    /// through three endpoints, 5xx/429/404/400/200 statuses and a spread of latencies, so hours and percentiles differ.
    /// </summary>
    public static Task AddVariedTelemetryAsync(this TestDatabase db, string tenantId, DateTimeOffset from, TimeSpan every, int count) =>
        db.ExecuteAsync("""
            INSERT INTO memory_request_telemetry (tenant_id, scope, endpoint, status_code, latency_ms, created_at, api_key_prefix)
            SELECT $1, 'tenant:' || $1 || '::scope:default',
                   (ARRAY['recall', 'recall_text', 'write'])[1 + g % 3],
                   CASE g % 20 WHEN 0 THEN 500 WHEN 1 THEN 503 WHEN 2 THEN 429 WHEN 3 THEN 404 WHEN 4 THEN 400 ELSE 200 END,
                   ((g * 37) % 1000) / 3.0 + (g % 7),
                   $2 + g * $3,
                   'ak_live_' || (g % 4)
              FROM generate_series(0, $4 - 1) g
            """, tenantId, from, every, count);

    /// <summary>Requests whose latencies alternate between two values (a known average and population deviation).</summary>
    public static async Task AddTelemetryPairAsync(this TestDatabase db, string tenantId, string endpoint, DateTimeOffset at, int countEach,
        double lowLatencyMs, double highLatencyMs, string keyPrefix)
    {
        await db.AddTelemetryAsync(tenantId, endpoint, at, countEach, latencyMs: lowLatencyMs, keyPrefix: keyPrefix);
        await db.AddTelemetryAsync(tenantId, endpoint, at, countEach, latencyMs: highLatencyMs, keyPrefix: keyPrefix);
    }
}
