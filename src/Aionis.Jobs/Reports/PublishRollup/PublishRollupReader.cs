using Aionis.Jobs.Framework;
using Npgsql;

namespace Aionis.Jobs.Reports.PublishRollup;

/// <summary>Reads the replay outcome roll-up (<see cref="PublishRollup"/>) of one tenant; used by the job and by the incident bundle's section.</summary>
public sealed class PublishRollupReader(NpgsqlDataSource dataSource)
{
    public async Task<PublishRollupReport> ReadAsync(string tenantId, int windowHours, int sampleLimit, DateTimeOffset now, CancellationToken ct)
    {
        var since = now - TimeSpan.FromHours(windowHours);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
            await using (var command = new NpgsqlCommand("""
                SELECT status, count(*) FROM control_incident_publish_jobs WHERE tenant_id = $1 AND created_at >= $2 GROUP BY status
                """, connection))
            {
                command.Parameters.Add(new() { Value = tenantId });
                command.Parameters.Add(new() { Value = since });
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) counts[reader.GetString(0)] = reader.GetInt64(1);
            }

            RollupReplay replay;
            // A count that is not all digits counts as 0, as the original's regex check did.
            await using (var command = new NpgsqlCommand("""
                SELECT count(*) FILTER (WHERE action = 'incident_publish.replay'),
                       count(*) FILTER (WHERE action = 'incident_publish.replay.preview'),
                       coalesce(sum(CASE WHEN details->>'replayed_count' ~ '^[0-9]+$' THEN (details->>'replayed_count')::bigint ELSE 0 END), 0)::bigint,
                       coalesce(sum(CASE WHEN details->>'candidate_count' ~ '^[0-9]+$' THEN (details->>'candidate_count')::bigint ELSE 0 END), 0)::bigint
                  FROM control_audit_events
                 WHERE tenant_id = $1 AND created_at >= $2 AND action IN ('incident_publish.replay', 'incident_publish.replay.preview')
                """, connection))
            {
                command.Parameters.Add(new() { Value = tenantId });
                command.Parameters.Add(new() { Value = since });
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                replay = new RollupReplay(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            }

            var sample = new List<RollupSample>();
            await using (var command = new NpgsqlCommand("""
                SELECT id, run_id, status, attempts, max_attempts, target, last_error, updated_at
                  FROM control_incident_publish_jobs
                 WHERE tenant_id = $1 AND status IN ('failed', 'dead_letter')
                 ORDER BY updated_at DESC, id LIMIT $2
                """, connection))
            {
                command.Parameters.Add(new() { Value = tenantId });
                command.Parameters.Add(new() { Value = sampleLimit });
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    sample.Add(new RollupSample(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4),
                        reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7)));
                }
            }
            var failed = counts.GetValueOrDefault("failed") + counts.GetValueOrDefault("dead_letter");
            return new PublishRollupReport(true, tenantId, windowHours, now, new RollupJobs(counts.Values.Sum(), counts, failed), replay, sample);
        }
        catch (Exception e) when (PostgresFailures.IsUndefinedTable(e))
        {
            return new PublishRollupReport(false, tenantId, windowHours, now, new RollupJobs(0, new Dictionary<string, long>(), 0),
                new RollupReplay(0, 0, 0, 0), []) { Warning = PublishRollupReport.SchemaMissing };
        }
    }
}
