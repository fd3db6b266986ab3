-- Views operators read. One row per registry task (Quartz job group 'registry'), whether or not it has run.
-- Status, successes, failures, durations and the overdue check count live runs only: a dry run changes nothing an
-- operator relies on, so it has its own columns (last_dry_run_*, dry_runs_7d).
-- Created by the latest migration that changes a view (see SchemaScripts.RecreateWorkerViews).
CREATE VIEW worker.task_status AS
SELECT j.job_name                                            AS task_id,
       coalesce(ct.cron_expression, '')                      AS schedule,
       ct.time_zone_id                                       AS time_zone,
       -- A task with only after: has no registry trigger: its trigger_state is NULL, which must read as not paused
       -- (NULL here left followers out of every `WHERE NOT paused`: the dead-man switch's and the task gauges').
       (p.task_id IS NOT NULL OR coalesce(t.trigger_state = 'PAUSED', false)) AS paused,
       p.reason                                              AS pause_reason,
       p.until                                               AS paused_until,
       p.paused_by                                           AS paused_by,
       CASE WHEN t.next_fire_time IS NOT NULL
            THEN to_timestamp(t.next_fire_time / 1e7 - 62135596800) END AS next_fire_time,
       last_run.started_at                                   AS last_run_at,
       last_run.status                                       AS last_status,
       last_run.run_id                                       AS last_run_id,
       last_success.finished_at                              AS last_success_at,
       last_failure.finished_at                              AS last_failure_at,
       coalesce(week.runs, 0)                                AS runs_7d,
       coalesce(week.failures, 0)                            AS failures_7d,
       coalesce(week.gate_failed, 0)                         AS gate_failed_7d,
       week.p95_duration_ms                                  AS p95_duration_ms_7d,
       last_dry_run.started_at                               AS last_dry_run_at,
       last_dry_run.status                                   AS last_dry_run_status,
       last_dry_run.run_id                                   AS last_dry_run_id,
       coalesce(week.dry_runs, 0)                            AS dry_runs_7d
FROM worker.qrtz_job_details j
LEFT JOIN worker.qrtz_triggers t
       ON t.sched_name = j.sched_name AND t.job_name = j.job_name AND t.job_group = j.job_group
      AND t.trigger_group = 'registry'
LEFT JOIN worker.qrtz_cron_triggers ct
       ON ct.sched_name = t.sched_name AND ct.trigger_name = t.trigger_name AND ct.trigger_group = t.trigger_group
LEFT JOIN worker.task_pauses p ON p.task_id = j.job_name AND p.resumed_at IS NULL
LEFT JOIN LATERAL (
    SELECT r.run_id, r.started_at, r.status FROM worker.job_runs r
    WHERE r.task_id = j.job_name AND NOT r.dry_run ORDER BY r.started_at DESC LIMIT 1) last_run ON true
LEFT JOIN LATERAL (
    SELECT r.finished_at FROM worker.job_runs r
    WHERE r.task_id = j.job_name AND r.status = 'succeeded' AND NOT r.dry_run ORDER BY r.started_at DESC LIMIT 1) last_success ON true
LEFT JOIN LATERAL (
    SELECT r.finished_at FROM worker.job_runs r
    WHERE r.task_id = j.job_name AND r.status IN ('failed', 'timed_out', 'abandoned') AND NOT r.dry_run
    ORDER BY r.started_at DESC LIMIT 1) last_failure ON true
LEFT JOIN LATERAL (
    SELECT r.run_id, r.started_at, r.status FROM worker.job_runs r
    WHERE r.task_id = j.job_name AND r.dry_run ORDER BY r.started_at DESC LIMIT 1) last_dry_run ON true
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE NOT r.dry_run) AS runs,
           count(*) FILTER (WHERE NOT r.dry_run AND r.status IN ('failed', 'timed_out', 'abandoned')) AS failures,
           count(*) FILTER (WHERE NOT r.dry_run AND r.status = 'gate_failed') AS gate_failed,
           count(*) FILTER (WHERE r.dry_run) AS dry_runs,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY r.duration_ms) FILTER (WHERE NOT r.dry_run) AS p95_duration_ms
    FROM worker.job_runs r
    WHERE r.task_id = j.job_name AND r.started_at >= now() - interval '7 days') week ON true
WHERE j.job_group = 'registry';
--;;
-- Failures and gate verdicts of the last 7 days, live and dry (dry_run says which); for a gate verdict, error is the
-- verdict's reason.
CREATE VIEW worker.recent_failures AS
SELECT r.run_id, r.task_id, r.job, r.status, r.dry_run, r.exit_code, r.attempt, r.tenant_id, r.node, r.triggered_by,
       r.started_at, r.finished_at, r.duration_ms,
       coalesce(r.error, CASE WHEN r.status = 'gate_failed' THEN 'verdict not ok (strict)' END) AS error
FROM worker.job_runs r
WHERE r.status IN ('failed', 'timed_out', 'abandoned', 'gate_failed')
  AND r.started_at >= now() - interval '7 days'
ORDER BY r.started_at DESC;
