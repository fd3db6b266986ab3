using System.Text.Json.Nodes;
using Npgsql;

namespace Aionis.Jobs.Publishing;

/// <summary>A job the worker holds: the claim's lock (worker and time) guards every later update of the row.</summary>
public sealed record ClaimedPublishJob(Guid Id, string TenantId, string RunId, string SourceDir, string Target, int Attempts, int MaxAttempts,
    string LockedBy, DateTimeOffset LockedAt);

/// <summary>How a failed attempt left the row: <c>failed</c> (retried after the delay) or <c>dead_letter</c>; null when the lock was lost.</summary>
public sealed record FailedAttempt(string? Status, int RetryDelaySeconds);

/// <summary>
/// The publish queue in <c>control_incident_publish_jobs</c>: enqueue, claim with
/// <c>FOR UPDATE SKIP LOCKED</c>, complete, fail with backoff/dead-letter, find stale locks. Times come from the caller's clock.
/// </summary>
public sealed class PublishQueue(NpgsqlDataSource dataSource)
{
    private const string ClaimableFilter = """
        status IN ('pending', 'failed') AND next_attempt_at <= $1 AND attempts < max_attempts
        AND ($2::text IS NULL OR tenant_id = $2)
        """;

    public async Task<PublishJobRow> EnqueueAsync(string tenantId, string runId, string sourceDir, string target, int maxAttempts,
        JsonObject metadata, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO control_incident_publish_jobs (tenant_id, run_id, source_dir, target, max_attempts, metadata)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb)
            RETURNING {PublishJobRow.Columns}
            """);
        Add(command, tenantId, runId, sourceDir, target, maxAttempts, metadata.ToJsonString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return PublishJobRow.Read(reader);
    }

    /// <summary>Claims the next due job (oldest due first); concurrent workers skip each other's rows. Null when none is due.</summary>
    public async Task<ClaimedPublishJob?> ClaimAsync(string workerId, string? tenantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH pick AS (
              SELECT id FROM control_incident_publish_jobs
               WHERE {ClaimableFilter}
               ORDER BY next_attempt_at ASC, created_at ASC
               FOR UPDATE SKIP LOCKED
               LIMIT 1)
            UPDATE control_incident_publish_jobs j
               SET status = 'processing', attempts = j.attempts + 1, locked_at = $1, locked_by = $3
              FROM pick WHERE j.id = pick.id
            RETURNING j.id, j.tenant_id, j.run_id, j.source_dir, j.target, j.attempts, j.max_attempts, coalesce(j.locked_by, ''), j.locked_at
            """);
        Add(command, now, (object?)tenantId ?? DBNull.Value, workerId);
        var claimed = await ReadClaimsAsync(command, cancellationToken);
        return claimed.SingleOrDefault();
    }

    /// <summary>Jobs a claim would take now, in claim order, without locking (dry runs).</summary>
    public async Task<IReadOnlyList<PublishJobRow>> PreviewClaimsAsync(string? tenantId, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {PublishJobRow.Columns} FROM control_incident_publish_jobs
             WHERE {ClaimableFilter}
             ORDER BY next_attempt_at ASC, created_at ASC
             LIMIT $3
            """);
        Add(command, now, (object?)tenantId ?? DBNull.Value, limit);
        return await ReadRowsAsync(command, cancellationToken);
    }

    /// <summary><c>processing</c> rows whose lock is older than <paramref name="lockTimeout"/>: their worker died or hung.</summary>
    public async Task<IReadOnlyList<ClaimedPublishJob>> FindStaleAsync(string? tenantId, DateTimeOffset now, TimeSpan lockTimeout, int limit,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, tenant_id, run_id, source_dir, target, attempts, max_attempts, coalesce(locked_by, ''), locked_at
              FROM control_incident_publish_jobs
             WHERE status = 'processing' AND locked_at < $1::timestamptz - $2::interval
               AND ($3::text IS NULL OR tenant_id = $3)
             ORDER BY locked_at ASC
             LIMIT $4
            """);
        Add(command, now, lockTimeout, (object?)tenantId ?? DBNull.Value, limit);
        return await ReadClaimsAsync(command, cancellationToken);
    }

    /// <summary>Marks a held job succeeded. False when the lock was lost (recovered as stale and claimed elsewhere).</summary>
    public async Task<bool> CompleteAsync(ClaimedPublishJob job, string publishedUri, string responseJson, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE control_incident_publish_jobs
               SET status = 'succeeded', locked_at = NULL, locked_by = NULL, next_attempt_at = $4,
                   published_uri = $5, last_error = NULL, last_response = $6::jsonb
             WHERE id = $1 AND status = 'processing' AND coalesce(locked_by, '') = $2 AND locked_at = $3
            """);
        Add(command, job.Id, job.LockedBy, job.LockedAt, now, publishedUri, responseJson);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Records a failed attempt of a held job: <c>dead_letter</c> when it was the <c>max_attempts</c>-th (next_attempt_at
    /// unchanged), else <c>failed</c> due again after the policy's delay.
    /// </summary>
    public async Task<FailedAttempt> FailAsync(ClaimedPublishJob job, RetryPolicy retry, string error, string responseJson, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var delay = retry.DelaySeconds(job.Attempts);
        await using var command = dataSource.CreateCommand("""
            UPDATE control_incident_publish_jobs
               SET status = CASE WHEN attempts >= max_attempts THEN 'dead_letter' ELSE 'failed' END,
                   next_attempt_at = CASE WHEN attempts >= max_attempts THEN next_attempt_at ELSE $4::timestamptz + make_interval(secs => $5) END,
                   locked_at = NULL, locked_by = NULL, last_error = $6, last_response = $7::jsonb
             WHERE id = $1 AND status = 'processing' AND coalesce(locked_by, '') = $2 AND locked_at = $3
            RETURNING status
            """);
        Add(command, job.Id, job.LockedBy, job.LockedAt, now, (double)delay, Truncate(error, 4000), responseJson);
        return new FailedAttempt(await command.ExecuteScalarAsync(cancellationToken) as string, delay);
    }

    /// <summary>Open jobs (pending, processing, failed) and dead letters, for the queue-depth gauges.</summary>
    public async Task<PublishQueueDepth> ReadDepthAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT count(*) FILTER (WHERE status IN ('pending', 'processing', 'failed')),
                   count(*) FILTER (WHERE status = 'dead_letter')
              FROM control_incident_publish_jobs
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new PublishQueueDepth(reader.GetInt64(0), reader.GetInt64(1));
    }

    internal static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    private static void Add(NpgsqlCommand command, params object[] values)
    {
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
    }

    private static async Task<List<ClaimedPublishJob>> ReadClaimsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var jobs = new List<ClaimedPublishJob>();
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(new ClaimedPublishJob(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt32(5), reader.GetInt32(6), reader.GetString(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }
        return jobs;
    }

    internal static async Task<IReadOnlyList<PublishJobRow>> ReadRowsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<PublishJobRow>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(PublishJobRow.Read(reader));
        return rows;
    }
}

/// <summary>The publish queue's gauges: <c>aionis.publish.queue.depth</c> and <c>aionis.publish.dead_letter.depth</c>.</summary>
public sealed record PublishQueueDepth(long Open, long DeadLetter);
