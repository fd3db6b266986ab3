namespace Aionis.Tests.Support;

/// <summary>Worker history, cluster and pause rows with explicit times, for the operations reports.</summary>
public static class ReportRows
{
    public static Task<Guid> AddRunAsync(this TestDatabase db, string job, string status, DateTimeOffset startedAt, string? taskId = null,
        string inputs = "{}", string? summary = null, string? error = null, bool dryRun = false, TimeSpan? duration = null) =>
        db.ScalarAsync<Guid>("""
            INSERT INTO worker.job_runs (run_id, task_id, job, trigger, dry_run, status, started_at, finished_at, duration_ms, node, attempt, inputs, summary, error)
            VALUES (gen_random_uuid(), $1, $2, 'schedule', $3, $4, $5, $5 + $6, (extract(epoch FROM $6) * 1000)::bigint, 'test-node', 1, $7::jsonb, $8::jsonb, $9)
            RETURNING run_id
            """, taskId, job, dryRun, status, startedAt, duration ?? TimeSpan.FromMinutes(1), inputs, summary, error);

    /// <summary>A cluster node's Quartz check-in (<c>worker.qrtz_scheduler_state</c>, times in .NET ticks).</summary>
    public static Task AddNodeCheckinAsync(this TestDatabase db, string node, DateTimeOffset lastCheckin, long intervalMs = 7500) =>
        db.ExecuteAsync("""
            INSERT INTO worker.qrtz_scheduler_state (sched_name, instance_name, last_checkin_time, checkin_interval) VALUES ('aionis', $1, $2, $3)
            """, node, lastCheckin.UtcTicks, intervalMs);

    /// <summary>A registry task with its cron trigger's next fire time.</summary>
    public static async Task AddRegistryTriggerAsync(this TestDatabase db, string taskId, DateTimeOffset nextFire, string state = "WAITING")
    {
        await db.ExecuteAsync("""
            INSERT INTO worker.qrtz_job_details (sched_name, job_name, job_group, job_class_name, is_durable, is_nonconcurrent, is_update_data, requests_recovery)
            VALUES ('aionis', $1, 'registry', 'TaskJob', true, false, false, false)
            """, taskId);
        await db.ExecuteAsync("""
            INSERT INTO worker.qrtz_triggers (sched_name, trigger_name, trigger_group, job_name, job_group, next_fire_time, trigger_state, trigger_type, start_time)
            VALUES ('aionis', $1, 'registry', $1, 'registry', $2, $3, 'CRON', 0)
            """, taskId, nextFire.UtcTicks, state);
    }

    public static Task AddPauseAsync(this TestDatabase db, string taskId, string reason, DateTimeOffset pausedAt, DateTimeOffset? until = null,
        DateTimeOffset? resumedAt = null) =>
        db.ExecuteAsync("""
            INSERT INTO worker.task_pauses (task_id, paused_at, paused_by, reason, until, resumed_at) VALUES ($1, $2, 'ops@host', $3, $4, $5)
            """, taskId, pausedAt, reason, until, resumedAt);

    public static Task AddOperatorAlertAsync(this TestDatabase db, string taskId, string kind, string severity, DateTimeOffset openedAt, DateTimeOffset? resolvedAt = null) =>
        db.ExecuteAsync("""
            INSERT INTO worker.operator_alerts (task_id, kind, dedup_key, severity, opened_at, resolved_at, occurrences)
            VALUES ($1, $2, 'aionis-worker:' || $1 || ':' || $2 || ':' || $4::text, $3, $4, $5, 1)
            """, taskId, kind, severity, openedAt, resolvedAt);

    /// <summary>Every worker table a report could touch, for dry-run before/after comparisons (job_runs aside: the run records itself).</summary>
    public static Task<string> WorkerFingerprintAsync(this TestDatabase db) => db.FingerprintAsync(
        "worker.task_pauses", "worker.operator_alerts", "worker.registry_syncs", "worker.qrtz_triggers", "worker.qrtz_scheduler_state",
        "worker.incidents", "worker.incident_events", "worker.job_run_steps");
}
