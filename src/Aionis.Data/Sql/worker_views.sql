-- Views operators read. One row per registry task (Quartz job group 'registry'), whether or not it has run.
CREATE OR REPLACE VIEW worker.task_status AS
SELECT j.job_name                                            AS task_id,
       coalesce(ct.cron_expression, '')                      AS schedule,
       ct.time_zone_id                                       AS time_zone,
       (p.task_id IS NOT NULL OR t.trigger_state = 'PAUSED') AS paused,
       p.reason                                              AS pause_reason,
       p.until                                               AS paused_until,
       CASE WHEN t.next_fire_time IS NOT NULL
            THEN to_timestamp(t.next_fire_time / 1e7 - 62135596800) END AS next_fire_time,
       last_run.started_at                                   AS last_run_at,
       last_run.status                                       AS last_status,
       last_run.run_id                                       AS last_run_id,
       last_success.finished_at                              AS last_success_at,
       last_failure.finished_at                              AS last_failure_at,
       coalesce(week.runs, 0)                                AS runs_7d,
       coalesce(week.failures, 0)                            AS failures_7d,
       week.p95_duration_ms                                  AS p95_duration_ms_7d
FROM worker.qrtz_job_details j
LEFT JOIN worker.qrtz_triggers t
       ON t.sched_name = j.sched_name AND t.job_name = j.job_name AND t.job_group = j.job_group
      AND t.trigger_group = 'registry'
LEFT JOIN worker.qrtz_cron_triggers ct
       ON ct.sched_name = t.sched_name AND ct.trigger_name = t.trigger_name AND ct.trigger_group = t.trigger_group
LEFT JOIN worker.task_pauses p ON p.task_id = j.job_name
LEFT JOIN LATERAL (
    SELECT r.run_id, r.started_at, r.status FROM worker.job_runs r
    WHERE r.task_id = j.job_name ORDER BY r.started_at DESC LIMIT 1) last_run ON true
LEFT JOIN LATERAL (
    SELECT r.finished_at FROM worker.job_runs r
    WHERE r.task_id = j.job_name AND r.status = 'succeeded' ORDER BY r.started_at DESC LIMIT 1) last_success ON true
LEFT JOIN LATERAL (
    SELECT r.finished_at FROM worker.job_runs r
    WHERE r.task_id = j.job_name AND r.status IN ('failed', 'timed_out', 'abandoned')
    ORDER BY r.started_at DESC LIMIT 1) last_failure ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS runs,
           count(*) FILTER (WHERE r.status IN ('failed', 'timed_out', 'abandoned')) AS failures,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY r.duration_ms) AS p95_duration_ms
    FROM worker.job_runs r
    WHERE r.task_id = j.job_name AND r.started_at >= now() - interval '7 days') week ON true
WHERE j.job_group = 'registry';
--;;
CREATE OR REPLACE VIEW worker.recent_failures AS
SELECT r.run_id, r.task_id, r.job, r.status, r.exit_code, r.attempt, r.tenant_id, r.node,
       r.started_at, r.finished_at, r.duration_ms, r.error
FROM worker.job_runs r
WHERE r.status IN ('failed', 'timed_out', 'abandoned', 'gate_failed')
  AND r.started_at >= now() - interval '7 days'
ORDER BY r.started_at DESC;
