using Npgsql;

namespace Aionis.Worker.Demo;

/// <summary>Sizes of <c>aionis demo seed</c>.</summary>
public sealed record DemoSize(int Tenants, int Days, int Requests);

/// <summary>
/// Realistic demo data in the control-plane tables, generated inside PostgreSQL: tenants (one hot), projects, quotas,
/// API keys of many ages (stale, in the warning window, fresh, revoked), rotation audit events, telemetry with a daily
/// shape and a few incidents, alert routes with policies, and incident publish jobs in every status, whose bundle
/// folders are written under <paramref name="bundlesRoot"/> so that the publish worker has real files to publish.
/// Every alert route points at <paramref name="alertReceiver"/> (the local receiver of run-local.sh), never at an outside
/// host: the demo's alert_dispatch task sends for real. Idempotent per tenant id: rows of the demo tenants are replaced.
/// </summary>
public sealed class DemoSeeder(NpgsqlDataSource dataSource, string bundlesRoot, string alertReceiver)
{
    /// <summary>Incident publish jobs per demo tenant (three tenants have them), one bundle folder each.</summary>
    private const int PublishJobsPerTenant = 12;

    public async Task SeedAsync(DemoSize size, Action<string> progress, CancellationToken cancellationToken)
    {
        progress($"demo seed: evidence bundles under {bundlesRoot}");
        WriteBundles();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (label, sql) in Statements)
        {
            progress($"demo seed: {label}");
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.CommandTimeout = 600;
            command.Parameters.AddWithValue("tenants", size.Tenants);
            command.Parameters.AddWithValue("days", size.Days);
            command.Parameters.AddWithValue("requests", size.Requests);
            command.Parameters.AddWithValue("bundles", bundlesRoot);
            command.Parameters.AddWithValue("receiver", alertReceiver.TrimEnd('/'));
            command.Parameters.AddWithValue("publish_jobs", PublishJobsPerTenant);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        await using var analyze = new NpgsqlCommand("ANALYZE memory_request_telemetry", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>demo_1 .. demo_12: a manifest and a step log each, as a small incident bundle.</summary>
    private void WriteBundles()
    {
        for (var j = 1; j <= PublishJobsPerTenant; j++)
        {
            var bundle = Directory.CreateDirectory(Path.Combine(bundlesRoot, $"demo_{j}")).FullName;
            Directory.CreateDirectory(Path.Combine(bundle, "logs"));
            File.WriteAllText(Path.Combine(bundle, "manifest.json"), $"{{\"demo\": true, \"bundle\": \"demo_{j}\", \"steps\": [\"gate\"]}}\n");
            File.WriteAllText(Path.Combine(bundle, "logs", "01_gate.log"), $"demo bundle {j}: gate passed\n");
        }
    }

    // @tenants, @days, @requests (telemetry rows), @bundles (bundle folders), @publish_jobs (per tenant), @receiver (alert routes).
    // Tenant ids: demo_tenant_01.. (01 is the hot one).
    private static readonly (string Label, string Sql)[] Statements =
    [
        ("removing earlier demo rows", """
            DELETE FROM memory_request_telemetry WHERE tenant_id LIKE 'demo\_tenant\_%';
            """),
        ("tenants, projects and quotas", """
            DELETE FROM control_audit_events WHERE tenant_id LIKE 'demo\_tenant\_%';
            DELETE FROM control_tenants WHERE tenant_id LIKE 'demo\_tenant\_%';
            INSERT INTO control_tenants (tenant_id, display_name, status, metadata, created_at)
            SELECT format('demo_tenant_%s', lpad(i::text, 2, '0')), format('Demo Tenant %s', i),
                   CASE WHEN i % 11 = 0 THEN 'suspended' ELSE 'active' END,
                   jsonb_build_object('plan', CASE WHEN i = 1 THEN 'enterprise' WHEN i % 3 = 0 THEN 'team' ELSE 'starter' END),
                   now() - make_interval(days => 120 + i)
            FROM generate_series(1, @tenants) i;
            INSERT INTO control_projects (project_id, tenant_id, display_name)
            SELECT format('demo_tenant_%s_%s', lpad(i::text, 2, '0'), p), format('demo_tenant_%s', lpad(i::text, 2, '0')), p
            FROM generate_series(1, @tenants) i, unnest(ARRAY['prod', 'staging']) p;
            INSERT INTO control_tenant_quotas (tenant_id, recall_rps, recall_burst, write_rps, write_burst, write_max_wait_ms,
                debug_embed_rps, debug_embed_burst, recall_text_embed_rps, recall_text_embed_burst, recall_text_embed_max_wait_ms)
            SELECT format('demo_tenant_%s', lpad(i::text, 2, '0')), 50, 100, 20, 40, 500, 2, 4, 10, 20, 800
            FROM generate_series(1, @tenants) i;
            """),
        ("API keys of many ages", """
            INSERT INTO control_api_keys (tenant_id, project_id, label, role, key_hash, key_prefix, status, created_at, revoked_at)
            SELECT t.tenant_id, t.tenant_id || '_prod', format('key %s', k), 'member',
                   md5(t.tenant_id || k), format('ak_live_%s', substr(md5(t.tenant_id || k), 1, 6)),
                   CASE WHEN k = 5 THEN 'revoked' ELSE 'active' END,
                   now() - make_interval(days => ((ARRAY[45, 25, 10, 2, 100, 31])[k] + t.n % 4)::int),
                   CASE WHEN k = 5 THEN now() - interval '60 days' END
            FROM (SELECT tenant_id, row_number() OVER (ORDER BY tenant_id) AS n FROM control_tenants WHERE tenant_id LIKE 'demo\_tenant\_%') t,
                 generate_series(1, 6) k
            WHERE k <= 3 + (t.n % 4);
            """),
        ("rotation audit events", """
            INSERT INTO control_audit_events (action, resource_type, resource_id, tenant_id, details, created_at)
            SELECT 'api_key.rotate', 'api_key', k.id::text, k.tenant_id,
                   jsonb_build_object('revoked_key_id', gen_random_uuid(), 'key_prefix', k.key_prefix),
                   now() - make_interval(days => (hashtext(k.tenant_id) & 63))
            FROM control_api_keys k
            WHERE k.tenant_id LIKE 'demo\_tenant\_%' AND k.status = 'active' AND k.label = 'key 3';
            """),
        ("request telemetry with a daily shape", """
            INSERT INTO memory_request_telemetry (tenant_id, scope, endpoint, status_code, latency_ms, request_id, created_at, api_key_prefix)
            SELECT tenant_id, 'tenant:' || tenant_id || '::scope:default', endpoint,
                   CASE WHEN r < 0.004 THEN 500 WHEN r < 0.010 THEN 429 WHEN r < 0.025 THEN 404 ELSE 200 END,
                   round((CASE endpoint WHEN 'write' THEN 45 WHEN 'recall' THEN 80 ELSE 140 END
                          * (0.6 + random() * 0.8) * (CASE WHEN r < 0.004 THEN 6 ELSE 1 END))::numeric, 2)::float8,
                   'req_' || g, created_at, key_prefix
            FROM (
                SELECT g, random() AS r,
                       -- one tenant in ten requests goes to the hot tenant; the rest spread over the others
                       CASE WHEN g % 10 = 0 THEN 'demo_tenant_01'
                            ELSE format('demo_tenant_%s', lpad((2 + (g % greatest(@tenants - 1, 1)))::text, 2, '0')) END AS tenant_id,
                       (ARRAY['write', 'recall', 'recall', 'recall_text'])[1 + g % 4] AS endpoint,
                       -- newest first over the window; busier during the (UTC) working day. Counted back from the
                       -- hour, not the second: a second seed within the hour keeps every row on the same side of the
                       -- working-day filter, so it writes the same rows.
                       date_trunc('hour', now()) - make_interval(secs => (g::float8 / @requests) * @days * 86400)
                             - make_interval(secs => (sin(g::float8) * 1800)) AS created_at,
                       CASE WHEN g % 5 = 0 THEN NULL ELSE format('ak_live_%s', substr(md5('k' || (g % 40)), 1, 6)) END AS key_prefix
                FROM generate_series(1, @requests) g
            ) s
            WHERE created_at <= date_trunc('hour', now())
              AND (extract(hour FROM created_at AT TIME ZONE 'UTC') BETWEEN 7 AND 20 OR g % 3 = 0);
            """),
        ("alert routes with policies", """
            INSERT INTO control_alert_routes (tenant_id, channel, label, events, status, target, secret, metadata)
            SELECT t.tenant_id, c.channel, c.label, c.events::jsonb, 'active', @receiver || c.target_path || t.tenant_id, c.secret, c.metadata::jsonb
            FROM control_tenants t,
                 (VALUES
                    ('webhook', 'ops webhook', '["*"]', '/webhook/', 'demo-shared-secret',
                     '{"policy":{"dedupe":{"ttl_seconds":1800}}}'),
                    ('slack_webhook', 'ops slack', '["key_rotation_sla_failed","incident_publish_slo_degraded"]',
                     '/slack/', NULL,
                     '{"policy":{"quiet_windows":[{"days":[0,6],"start":"00:00","end":"23:59","timezone":"UTC","mode":"warning_only"}]}}'),
                    ('pagerduty_events', 'on-call', '["incident_publish_slo_degraded"]', '/pagerduty/', 'demo-routing-key',
                     '{"policy":{"severity_thresholds":{"incident_publish_slo_degraded":{"critical_signals":2}}}}')
                 ) AS c(channel, label, events, target_path, secret, metadata)
            WHERE t.tenant_id LIKE 'demo\_tenant\_%' AND t.status = 'active';
            """),
        ("incident publish jobs in every status", """
            INSERT INTO control_incident_publish_jobs (tenant_id, run_id, source_dir, target, status, attempts, max_attempts,
                next_attempt_at, published_uri, last_error, created_at, updated_at)
            SELECT t.tenant_id, format('demo_%s_%s', t.tenant_id, j), format('%s/demo_%s', @bundles, j),
                   's3://aionis-demo-evidence/incidents', s.status,
                   CASE s.status WHEN 'dead_letter' THEN 5 WHEN 'failed' THEN 2 WHEN 'succeeded' THEN 1 ELSE 0 END, 5,
                   now() + CASE s.status WHEN 'failed' THEN interval '10 minutes' ELSE interval '0' END,
                   CASE s.status WHEN 'succeeded' THEN format('s3://aionis-demo-evidence/incidents/demo_%s_%s', t.tenant_id, j) END,
                   CASE WHEN s.status IN ('failed', 'dead_letter') THEN 'demo: upload refused (AccessDenied)' END,
                   now() - make_interval(hours => j * 7), now() - make_interval(hours => j * 7)
            FROM (SELECT tenant_id FROM control_tenants WHERE tenant_id LIKE 'demo\_tenant\_%' AND status = 'active' ORDER BY tenant_id LIMIT 3) t,
                 generate_series(1, @publish_jobs) j,
                 LATERAL (SELECT (ARRAY['succeeded','succeeded','succeeded','succeeded','succeeded','failed','dead_letter','pending'])[1 + j % 8] AS status) s;
            """),
    ];
}
