-- The incident log (docs/jobs/incidents.md). Idempotent: `aionis db migrate` may meet tables a JSONL-era install lacks.
CREATE TABLE IF NOT EXISTS worker.incidents (
    id            text PRIMARY KEY CHECK (id ~ '^inc_[0-9]{8}_[0-9]{4}_[a-z0-9]{6}$'),
    service       text NOT NULL,
    env           text NOT NULL,
    kind          text NOT NULL,
    severity      text NOT NULL CHECK (severity IN ('P0', 'P1', 'P2', 'P3')),
    title         text NOT NULL,
    summary       text,
    status        text NOT NULL CHECK (status IN ('open', 'mitigating', 'resolved', 'closed')),
    signature     text NOT NULL,
    started_at    timestamptz NOT NULL,
    resolved_at   timestamptz,
    closed_at     timestamptz,
    created_by    text NOT NULL,
    last_event_at timestamptz NOT NULL,
    occurrences   integer NOT NULL DEFAULT 1,
    -- Every change moves it forward; the JSONL backlog move only overwrites an older row with a newer record.
    updated_at    timestamptz NOT NULL
)
--;;
CREATE INDEX IF NOT EXISTS ix_incidents_started ON worker.incidents (started_at DESC)
--;;
CREATE INDEX IF NOT EXISTS ix_incidents_open_signature ON worker.incidents (signature, started_at DESC) WHERE status IN ('open', 'mitigating')
--;;
CREATE INDEX IF NOT EXISTS ix_incidents_status_last_event ON worker.incidents (status, last_event_at)
--;;
CREATE INDEX IF NOT EXISTS ix_incidents_service_started ON worker.incidents (service, started_at DESC)
--;;
CREATE INDEX IF NOT EXISTS ix_incidents_resolved ON worker.incidents (resolved_at) WHERE resolved_at IS NOT NULL
--;;
CREATE INDEX IF NOT EXISTS ix_incidents_closed ON worker.incidents (closed_at) WHERE status = 'closed'
--;;
CREATE TABLE IF NOT EXISTS worker.incident_events (
    incident_id text NOT NULL REFERENCES worker.incidents (id) ON DELETE CASCADE,
    seq         integer NOT NULL,
    at          timestamptz NOT NULL,
    type        text NOT NULL CHECK (type IN ('note', 'decision', 'followup', 'status', 'alert')),
    message     text NOT NULL,
    actor       text NOT NULL,
    status      text CHECK (status IN ('open', 'mitigating', 'resolved', 'closed')),
    priority    text CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
    owner       text,
    due_at      timestamptz,
    done_at     timestamptz,
    PRIMARY KEY (incident_id, seq)
)
--;;
CREATE INDEX IF NOT EXISTS ix_incident_events_type_at ON worker.incident_events (incident_id, type, at DESC)
--;;
CREATE INDEX IF NOT EXISTS ix_incident_events_open_followups ON worker.incident_events (due_at) WHERE type = 'followup' AND done_at IS NULL
--;;
-- The digest asks which follow-ups were still open at a week's end: done after it, or not done at all.
CREATE INDEX IF NOT EXISTS ix_incident_events_followups_done ON worker.incident_events ((coalesce(done_at, 'infinity'::timestamptz))) WHERE type = 'followup'
--;;
CREATE TABLE IF NOT EXISTS worker.incident_artifacts (
    incident_id text NOT NULL REFERENCES worker.incidents (id) ON DELETE CASCADE,
    name        text NOT NULL,
    kind        text NOT NULL,
    size_bytes  bigint NOT NULL CHECK (size_bytes BETWEEN 0 AND 2097152),
    sha256      text NOT NULL,
    path        text NOT NULL,
    added_at    timestamptz NOT NULL,
    added_by    text NOT NULL,
    PRIMARY KEY (incident_id, name)
)
--;;
-- Alerts waiting for incident-alert-triage: one row per alert occurrence, claimed with FOR UPDATE SKIP LOCKED.
CREATE TABLE IF NOT EXISTS worker.incident_alert_inbox (
    alert_key    text PRIMARY KEY,
    source       text NOT NULL CHECK (source IN ('operator', 'tenant')),
    received_at  timestamptz NOT NULL,
    service      text NOT NULL,
    env          text NOT NULL,
    kind         text NOT NULL,
    severity     text NOT NULL,
    fingerprint  text NOT NULL,
    summary      text NOT NULL,
    occurrences  integer NOT NULL CHECK (occurrences >= 1),
    triaged_at   timestamptz,
    outcome      text,
    incident_id  text
)
--;;
CREATE INDEX IF NOT EXISTS ix_incident_alert_inbox_pending ON worker.incident_alert_inbox (received_at, alert_key) WHERE triaged_at IS NULL
--;;
CREATE INDEX IF NOT EXISTS ix_incident_alert_inbox_incident ON worker.incident_alert_inbox (incident_id, received_at)
