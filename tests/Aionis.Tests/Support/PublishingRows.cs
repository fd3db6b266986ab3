namespace Aionis.Tests.Support;

/// <summary>Arranges <c>control_incident_publish_jobs</c> rows with explicit times (the updated_at trigger only fires on UPDATE).</summary>
public static class PublishingRows
{
    public static async Task<Guid> AddPublishJobAsync(this TestDatabase db, string tenantId, string runId, string sourceDir, string target,
        DateTimeOffset at, string status = "pending", int attempts = 0, int maxAttempts = 5, string? lockedBy = null, DateTimeOffset? lockedAt = null)
    {
        await db.AddTenantAsync(tenantId);
        return await db.ScalarAsync<Guid>("""
            INSERT INTO control_incident_publish_jobs
              (tenant_id, run_id, source_dir, target, status, attempts, max_attempts, next_attempt_at, locked_by, locked_at, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $8, $8) RETURNING id
            """, tenantId, runId, sourceDir, target, status, attempts, maxAttempts, at, lockedBy, lockedAt);
    }

    /// <summary><paramref name="count"/> finished jobs of one status whose last update was at <paramref name="updatedAt"/>.</summary>
    public static async Task AddFinishedPublishJobsAsync(this TestDatabase db, string tenantId, string status, int count, DateTimeOffset updatedAt)
    {
        await db.AddTenantAsync(tenantId);
        await db.ExecuteAsync("""
            INSERT INTO control_incident_publish_jobs (tenant_id, run_id, source_dir, target, status, attempts, created_at, updated_at, next_attempt_at)
            SELECT $1, 'run-' || g, '/bundles/run-' || g, 's3://b/p', $2, 1, $3, $3, $3 FROM generate_series(1, $4) g
            """, tenantId, status, updatedAt, count);
    }

    public static async Task<Dictionary<string, object?>> PublishJobAsync(this TestDatabase db, Guid id) =>
        (await db.RowsAsync("""
            SELECT status, attempts, next_attempt_at, locked_by, locked_at, published_uri, last_error, last_response::text AS last_response,
                   metadata::text AS metadata
              FROM control_incident_publish_jobs WHERE id = $1
            """, id)).Single();
}
