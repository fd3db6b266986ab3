using Aionis.Bench.Telemetry;
using Npgsql;

namespace Aionis.Bench.Incidents;

/// <summary>
/// incident-weekly-digest over 100,000 incidents (a year and a half of a busy fleet, 2,000 in the digested week) with
/// 100,000 follow-ups, against the best plain SQL that reads the same figures: one scan of the week's and the 30 days'
/// incidents. The job runs ten aggregate queries and renders three files; the target is at most 5× the plain SQL.
/// </summary>
public sealed class IncidentDigestBenchmark : IBenchmark
{
    private const int Incidents = 100_000;
    private static readonly DateTimeOffset WeekEnd = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    public string Name => "incident-digest";
    public string Description => "incident-weekly-digest over 100k incidents vs. plain SQL aggregates";

    public async Task<int> RunAsync(BenchContext context)
    {
        var connectionString = await MigratedDatabase.CreateAsync(context.PostgresAdmin, "bench_incidents");
        await SeedAsync(connectionString);
        await using var worker = new BenchWorker(connectionString, context.WorkDirectory, WeekEnd.AddHours(8));
        var options = new Dictionary<string, object?> { ["week"] = "2026-W47", ["out-dir"] = Path.Combine(context.WorkDirectory, "digest") };
        await worker.RunAsync("incident-weekly-digest", options);
        var job = TimeSpan.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var run = await worker.RunAsync("incident-weekly-digest", options);
            if (run.Elapsed < job) job = run.Elapsed;
        }
        var (name, sql) = await BenchSql.BestAsync(connectionString, 3, [
            ("one scan of 30 days", """
                SELECT severity, service, kind, signature,
                       count(*) FILTER (WHERE started_at >= $1 - interval '7 days'),
                       count(*), avg(resolved_at - started_at)
                  FROM worker.incidents WHERE started_at >= $1 - interval '30 days' AND started_at < $1
                 GROUP BY GROUPING SETS ((severity), (service), (kind), (signature), (service, kind))
                """),
        ], WeekEnd);
        var table = new BenchTable("incident-weekly-digest, 100,000 incidents");
        table.Info("digest job (best of 3)", $"{job.TotalMilliseconds:0} ms");
        table.Info($"plain SQL ({name})", $"{sql.TotalMilliseconds:0} ms");
        var ratio = job.TotalMilliseconds / Math.Max(1, sql.TotalMilliseconds);
        table.Add("job / plain SQL", ratio, "×", "≤ 5", ratio <= 5);
        return table.Print();
    }

    /// <summary>Incidents spread over 540 days before the week's end, 2,000 of them in the week; every tenth resolved later.</summary>
    private static async Task SeedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            INSERT INTO worker.incidents (id, service, env, kind, severity, title, status, signature, started_at, resolved_at, created_by, last_event_at, occurrences, updated_at)
            SELECT 'inc_20261101_0000_' || lpad(to_hex(g), 6, '0'), 'svc-' || g % 40, 'prod', 'kind-' || g % 25, 'P' || g % 4, 'incident ' || g,
                   CASE WHEN g % 10 = 0 THEN 'open' ELSE 'resolved' END, md5((g % 3000)::text),
                   t, CASE WHEN g % 10 = 0 THEN NULL ELSE t + make_interval(mins => g % 600) END, 'bench', t, 1, t
              FROM generate_series(1, {Incidents}) g,
                   LATERAL (SELECT CASE WHEN g <= 2000 THEN $1 - interval '7 days' + make_interval(secs => g * 300)
                                        ELSE $1 - interval '7 days' - make_interval(secs => (g::bigint * 46656) % (533 * 86400)) END AS t) s
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = WeekEnd });
        await command.ExecuteNonQueryAsync();
        await using var followups = new NpgsqlCommand("""
            INSERT INTO worker.incident_events (incident_id, seq, at, type, message, actor, priority, owner, due_at, done_at)
            SELECT id, 1, started_at, 'followup', 'follow-up', 'bench', 'P2', 'sre', started_at + interval '3 days',
                   CASE WHEN length(id) % 2 = 0 OR started_at < now() - interval '60 days' THEN started_at + interval '1 day' END
              FROM worker.incidents
            """, connection);
        await followups.ExecuteNonQueryAsync();
        await using var analyze = new NpgsqlCommand("ANALYZE worker.incidents; ANALYZE worker.incident_events", connection);
        await analyze.ExecuteNonQueryAsync();
    }
}
