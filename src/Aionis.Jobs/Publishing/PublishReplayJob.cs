using System.Text.Json.Nodes;
using Aionis.Jobs.Framework;
using Npgsql;

namespace Aionis.Jobs.Publishing;

/// <summary>A replayed (or, in a dry run, matching) job as the summary samples it.</summary>
public sealed record ReplayedPublishJob(Guid Id, string TenantId, string RunId, string Status, int Attempts, int MaxAttempts, string Target,
    DateTimeOffset NextAttemptAt);

/// <summary><c>ok</c> is false when no job matched, so <c>--strict</c> exits 2 then.</summary>
public sealed record PublishReplaySummary(
    bool Ok,
    bool Strict,
    bool DryRun,
    bool AllowAllTenants,
    string? TenantId,
    int ReplayedCount,
    int CandidateCount,
    IReadOnlyList<string> Statuses,
    int IdsCount,
    int Limit,
    bool ResetAttempts,
    string Reason,
    IReadOnlyList<ReplayedPublishJob> JobsSample,
    DateTimeOffset CheckedAt) : IJobSummary;

/// <summary>
/// Puts failed and dead-lettered publish jobs back to <c>pending</c> and writes the
/// <c>incident_publish.replay</c> audit event in the same transaction.
/// </summary>
[Job("hosted-incident-publish-replay", "Replays failed or dead-lettered publish jobs", Permissions = [Permissions.WritePublishQueue, Permissions.WriteAudit], Time = TimeDependence.PresentOnly)]
public sealed class PublishReplayJob(NpgsqlDataSource dataSource) : IJob<PublishReplayOptions, PublishReplaySummary>
{
    private const int SampleSize = 20;
    private const string Candidates = """
        ($1::text IS NULL OR tenant_id = $1) AND status = ANY($2) AND (cardinality($3::uuid[]) = 0 OR id = ANY($3::uuid[]))
        ORDER BY created_at ASC LIMIT $4
        """;
    private const string Returned = "id, tenant_id, run_id, status, attempts, max_attempts, target, next_attempt_at";

    public async Task<PublishReplaySummary> RunAsync(PublishReplayOptions options, JobContext context)
    {
        var ct = context.CancellationToken;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        IReadOnlyList<ReplayedPublishJob> jobs;
        if (context.DryRun)
        {
            jobs = await ReadAsync(Command(connection, null, $"SELECT {Returned} FROM control_incident_publish_jobs WHERE {Candidates}", options), ct);
            context.Actions.Record("replay", "control_incident_publish_jobs", jobs.Count, new { reset_attempts = options.ResetAttempts });
            return Summary(options, context, jobs, dryRun: true);
        }

        await using var transaction = await connection.BeginTransactionAsync(ct);
        var replay = Command(connection, transaction, $$"""
            WITH candidates AS (
              SELECT id FROM control_incident_publish_jobs WHERE {{Candidates}} FOR UPDATE SKIP LOCKED)
            UPDATE control_incident_publish_jobs j
               SET status = 'pending',
                   attempts = CASE WHEN $5 THEN 0 ELSE LEAST(j.attempts, GREATEST(j.max_attempts - 1, 0)) END,
                   next_attempt_at = $6, locked_at = NULL, locked_by = NULL, last_error = NULL, last_response = '{}'::jsonb,
                   metadata = COALESCE(j.metadata, '{}'::jsonb) || jsonb_build_object('replayed_at', $6, 'replay_reason', $7::text)
              FROM candidates c WHERE j.id = c.id
            RETURNING {{string.Join(", ", Returned.Split(", ").Select(c => "j." + c))}}
            """, options);
        replay.Parameters.Add(new NpgsqlParameter { Value = options.ResetAttempts });
        replay.Parameters.Add(new NpgsqlParameter { Value = context.Now });
        replay.Parameters.Add(new NpgsqlParameter { Value = options.Reason });
        jobs = await ReadAsync(replay, ct);
        await WriteAuditAsync(connection, transaction, options, jobs, context);
        await transaction.CommitAsync(ct);
        context.Actions.Record("replay", "control_incident_publish_jobs", jobs.Count, new { reset_attempts = options.ResetAttempts });
        return Summary(options, context, jobs, dryRun: false);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, PublishReplayOptions options)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)NullIfEmpty(options.TenantId) ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = options.Statuses });
        command.Parameters.Add(new NpgsqlParameter { Value = options.Ids.Select(Guid.Parse).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = options.Limit });
        return command;
    }

    private static async Task WriteAuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PublishReplayOptions options,
        IReadOnlyList<ReplayedPublishJob> jobs, JobContext context)
    {
        var details = new JsonObject
        {
            ["replayed_count"] = jobs.Count,
            ["candidate_count"] = jobs.Count,
            ["statuses"] = new JsonArray(options.Statuses.Select(s => (JsonNode?)s).ToArray()),
            ["limit"] = options.Limit,
            ["reset_attempts"] = options.ResetAttempts,
            ["dry_run"] = false,
            ["allow_all_tenants"] = options.AllTenants,
            ["reason"] = options.Reason,
            ["sample_job_ids"] = new JsonArray(jobs.Take(SampleSize).Select(j => (JsonNode?)j.Id.ToString()).ToArray()),
            ["run_id"] = context.RunId.ToString(),
        };
        await using var audit = new NpgsqlCommand("""
            INSERT INTO control_audit_events (actor, action, resource_type, resource_id, tenant_id, request_id, details, created_at)
            VALUES ('aionis_worker', 'incident_publish.replay', 'incident_publish_job', NULL, $1, $2, $3::jsonb, $4)
            """, connection, transaction);
        audit.Parameters.Add(new NpgsqlParameter { Value = (object?)NullIfEmpty(options.TenantId) ?? DBNull.Value });
        audit.Parameters.Add(new NpgsqlParameter { Value = context.RunId.ToString() });
        audit.Parameters.Add(new NpgsqlParameter { Value = details.ToJsonString() });
        audit.Parameters.Add(new NpgsqlParameter { Value = context.Now });
        await audit.ExecuteNonQueryAsync(context.CancellationToken);
    }

    private static async Task<List<ReplayedPublishJob>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var jobs = new List<ReplayedPublishJob>();
            while (await reader.ReadAsync(cancellationToken))
            {
                jobs.Add(new ReplayedPublishJob(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                    reader.GetInt32(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7)));
            }
            return jobs;
        }
    }

    private static PublishReplaySummary Summary(PublishReplayOptions options, JobContext context, IReadOnlyList<ReplayedPublishJob> jobs, bool dryRun) =>
        new(jobs.Count > 0, options.Strict, dryRun, options.AllTenants, NullIfEmpty(options.TenantId), dryRun ? 0 : jobs.Count, jobs.Count,
            options.Statuses, options.Ids.Length, options.Limit, options.ResetAttempts, options.Reason, jobs.Take(SampleSize).ToList(), context.Now);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
