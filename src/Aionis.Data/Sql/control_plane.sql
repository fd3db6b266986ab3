-- The Aionis control-plane tables (reference migrations 0022-0028) for standalone and demo databases.
-- Every statement creates only what is missing; against a real Aionis database it changes nothing.
CREATE OR REPLACE FUNCTION public.set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END;
$$;
--;;
CREATE TABLE IF NOT EXISTS public.control_tenants (
  tenant_id    text PRIMARY KEY,
  display_name text,
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  metadata     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
--;;
CREATE TABLE IF NOT EXISTS public.control_projects (
  project_id   text PRIMARY KEY,
  tenant_id    text NOT NULL REFERENCES public.control_tenants(tenant_id) ON DELETE CASCADE,
  display_name text,
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  metadata     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
--;;
CREATE INDEX IF NOT EXISTS control_projects_tenant_idx ON public.control_projects (tenant_id);
--;;
CREATE TABLE IF NOT EXISTS public.control_api_keys (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  text NOT NULL REFERENCES public.control_tenants(tenant_id) ON DELETE CASCADE,
  project_id text REFERENCES public.control_projects(project_id) ON DELETE SET NULL,
  label      text,
  role       text,
  agent_id   text,
  team_id    text,
  key_hash   text NOT NULL UNIQUE,
  key_prefix text NOT NULL UNIQUE,
  status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  metadata   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
--;;
CREATE INDEX IF NOT EXISTS control_api_keys_tenant_status_idx ON public.control_api_keys (tenant_id, status);
--;;
CREATE INDEX IF NOT EXISTS control_api_keys_project_status_idx ON public.control_api_keys (project_id, status);
--;;
CREATE TABLE IF NOT EXISTS public.control_tenant_quotas (
  tenant_id                     text PRIMARY KEY REFERENCES public.control_tenants(tenant_id) ON DELETE CASCADE,
  recall_rps                    double precision NOT NULL CHECK (recall_rps > 0),
  recall_burst                  integer NOT NULL CHECK (recall_burst > 0),
  write_rps                     double precision NOT NULL CHECK (write_rps > 0),
  write_burst                   integer NOT NULL CHECK (write_burst > 0),
  write_max_wait_ms             integer NOT NULL CHECK (write_max_wait_ms >= 0),
  debug_embed_rps               double precision NOT NULL CHECK (debug_embed_rps > 0),
  debug_embed_burst             integer NOT NULL CHECK (debug_embed_burst > 0),
  recall_text_embed_rps         double precision NOT NULL CHECK (recall_text_embed_rps > 0),
  recall_text_embed_burst       integer NOT NULL CHECK (recall_text_embed_burst > 0),
  recall_text_embed_max_wait_ms integer NOT NULL CHECK (recall_text_embed_max_wait_ms >= 0),
  created_at                    timestamptz NOT NULL DEFAULT now(),
  updated_at                    timestamptz NOT NULL DEFAULT now()
);
--;;
CREATE TABLE IF NOT EXISTS public.control_audit_events (
  id            bigserial PRIMARY KEY,
  event_id      uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
  actor         text NOT NULL DEFAULT 'admin_token',
  action        text NOT NULL,
  resource_type text NOT NULL,
  resource_id   text,
  tenant_id     text,
  request_id    text,
  details       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now()
);
--;;
CREATE INDEX IF NOT EXISTS control_audit_events_created_idx ON public.control_audit_events (created_at DESC);
--;;
CREATE INDEX IF NOT EXISTS control_audit_events_tenant_created_idx ON public.control_audit_events (tenant_id, created_at DESC) WHERE tenant_id IS NOT NULL;
--;;
CREATE INDEX IF NOT EXISTS control_audit_events_action_created_idx ON public.control_audit_events (action, created_at DESC);
--;;
CREATE TABLE IF NOT EXISTS public.memory_request_telemetry (
  id             bigserial PRIMARY KEY,
  tenant_id      text NOT NULL,
  scope          text NOT NULL,
  endpoint       text NOT NULL CHECK (endpoint IN ('write', 'recall', 'recall_text', 'planning_context', 'context_assemble')),
  status_code    integer NOT NULL,
  latency_ms     double precision NOT NULL CHECK (latency_ms >= 0),
  request_id     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  api_key_prefix text
);
--;;
CREATE INDEX IF NOT EXISTS memory_request_telemetry_tenant_endpoint_created_idx ON public.memory_request_telemetry (tenant_id, endpoint, created_at DESC);
--;;
CREATE INDEX IF NOT EXISTS memory_request_telemetry_tenant_created_idx ON public.memory_request_telemetry (tenant_id, created_at DESC);
--;;
CREATE INDEX IF NOT EXISTS memory_request_telemetry_request_idx ON public.memory_request_telemetry (request_id) WHERE request_id IS NOT NULL;
--;;
CREATE INDEX IF NOT EXISTS memory_request_telemetry_tenant_prefix_created_idx ON public.memory_request_telemetry (tenant_id, api_key_prefix, created_at DESC) WHERE api_key_prefix IS NOT NULL;
--;;
CREATE INDEX IF NOT EXISTS memory_request_telemetry_endpoint_created_idx ON public.memory_request_telemetry (endpoint, created_at DESC);
--;;
CREATE TABLE IF NOT EXISTS public.control_alert_routes (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  text NOT NULL REFERENCES public.control_tenants(tenant_id) ON DELETE CASCADE,
  channel    text NOT NULL CHECK (channel IN ('webhook', 'slack_webhook', 'pagerduty_events')),
  label      text,
  events     jsonb NOT NULL DEFAULT '["*"]'::jsonb,
  status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  target     text,
  secret     text,
  headers    jsonb NOT NULL DEFAULT '{}'::jsonb,
  metadata   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
--;;
CREATE INDEX IF NOT EXISTS control_alert_routes_tenant_status_created_idx ON public.control_alert_routes (tenant_id, status, created_at DESC);
--;;
CREATE INDEX IF NOT EXISTS control_alert_routes_tenant_channel_created_idx ON public.control_alert_routes (tenant_id, channel, created_at DESC);
--;;
CREATE INDEX IF NOT EXISTS control_alert_routes_events_gin ON public.control_alert_routes USING gin (events);
--;;
CREATE TABLE IF NOT EXISTS public.control_alert_deliveries (
  id            bigserial PRIMARY KEY,
  delivery_id   uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
  route_id      uuid NOT NULL REFERENCES public.control_alert_routes(id) ON DELETE CASCADE,
  tenant_id     text NOT NULL,
  event_type    text NOT NULL,
  status        text NOT NULL CHECK (status IN ('sent', 'failed', 'skipped')),
  request_id    text,
  response_code integer,
  response_body text,
  error         text,
  metadata      jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now()
);
--;;
CREATE INDEX IF NOT EXISTS control_alert_deliveries_tenant_event_created_idx ON public.control_alert_deliveries (tenant_id, event_type, created_at DESC);
--;;
CREATE INDEX IF NOT EXISTS control_alert_deliveries_route_created_idx ON public.control_alert_deliveries (route_id, created_at DESC);
--;;
CREATE INDEX IF NOT EXISTS control_alert_deliveries_route_dedupe_created_idx ON public.control_alert_deliveries (route_id, (metadata->>'dedupe_key'), created_at DESC) WHERE metadata ? 'dedupe_key';
--;;
CREATE TABLE IF NOT EXISTS public.control_incident_publish_jobs (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       text NOT NULL REFERENCES public.control_tenants(tenant_id) ON DELETE CASCADE,
  run_id          text NOT NULL,
  source_dir      text NOT NULL,
  target          text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'succeeded', 'failed', 'dead_letter')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts    integer NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 100),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  locked_at       timestamptz,
  locked_by       text,
  published_uri   text,
  last_error      text,
  last_response   jsonb NOT NULL DEFAULT '{}'::jsonb,
  metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
--;;
CREATE INDEX IF NOT EXISTS control_incident_publish_jobs_claim_idx ON public.control_incident_publish_jobs (status, next_attempt_at, created_at) WHERE status IN ('pending', 'failed');
--;;
CREATE INDEX IF NOT EXISTS control_incident_publish_jobs_tenant_created_idx ON public.control_incident_publish_jobs (tenant_id, created_at DESC);
--;;
CREATE INDEX IF NOT EXISTS control_incident_publish_jobs_run_created_idx ON public.control_incident_publish_jobs (run_id, created_at DESC);
--;;
-- Data-plane tables the tenant dashboard counts (hosted-tenant-timeseries-export, docs/jobs/telemetry.md); minimal columns when the worker creates them.
CREATE TABLE IF NOT EXISTS public.memory_nodes (id bigserial PRIMARY KEY, scope text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
--;;
CREATE TABLE IF NOT EXISTS public.memory_edges (id bigserial PRIMARY KEY, scope text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
--;;
CREATE TABLE IF NOT EXISTS public.memory_outbox (id bigserial PRIMARY KEY, scope text NOT NULL, published_at timestamptz, attempts integer NOT NULL DEFAULT 0, failed_at timestamptz, created_at timestamptz NOT NULL DEFAULT now());
--;;
CREATE TABLE IF NOT EXISTS public.memory_recall_audit (id bigserial PRIMARY KEY, scope text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
--;;
CREATE TABLE IF NOT EXISTS public.memory_commits (id bigserial PRIMARY KEY, scope text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
--;;
CREATE TABLE IF NOT EXISTS public.memory_rule_defs (id bigserial PRIMARY KEY, scope text NOT NULL, state text NOT NULL DEFAULT 'active', created_at timestamptz NOT NULL DEFAULT now());
--;;
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['control_tenants', 'control_projects', 'control_tenant_quotas', 'control_alert_routes', 'control_incident_publish_jobs'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = t || '_set_updated_at' AND tgrelid = ('public.' || t)::regclass) THEN
      EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON public.%I FOR EACH ROW EXECUTE FUNCTION public.set_updated_at()', t || '_set_updated_at', t);
    END IF;
  END LOOP;
END;
$$;
