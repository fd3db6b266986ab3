using System.Diagnostics;
using Aionis.Jobs.Publishing;
using Npgsql;

namespace Aionis.Bench.Publishing;

/// <summary>The SLO gate's report over 1M queue rows of one tenant, against the best single SQL statement counting the same.</summary>
public sealed class PublishSloBenchmark : IBenchmark
{
    private const int Rows = 1_000_000;
    private const int Repeats = 5;
    private static readonly DateTimeOffset Anchor = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    public string Name => "publish-slo";
    public string Description => "hosted-incident-publish-slo report over 1M queue rows vs the best single SQL statement";

    /// <summary>Other single statements that count the same windows and backlog; the fastest is the reference figure.</summary>
    private static readonly string[] Alternatives =
    [
        """
        SELECT count(*) FILTER (WHERE status = 'succeeded' AND updated_at > $2::timestamptz - $3::interval AND updated_at <= $2),
               count(*) FILTER (WHERE status = 'failed' AND updated_at > $2::timestamptz - $3::interval AND updated_at <= $2),
               count(*) FILTER (WHERE status = 'dead_letter' AND updated_at > $2::timestamptz - $3::interval AND updated_at <= $2),
               count(*) FILTER (WHERE status = 'succeeded' AND updated_at > $2::timestamptz - $4::interval AND updated_at <= $2::timestamptz - $3::interval),
               count(*) FILTER (WHERE status = 'failed' AND updated_at > $2::timestamptz - $4::interval AND updated_at <= $2::timestamptz - $3::interval),
               count(*) FILTER (WHERE status = 'dead_letter' AND updated_at > $2::timestamptz - $4::interval AND updated_at <= $2::timestamptz - $3::interval),
               count(*) FILTER (WHERE status IN ('pending', 'processing', 'failed')),
               count(*) FILTER (WHERE status = 'dead_letter')
          FROM control_incident_publish_jobs WHERE tenant_id = $1
        """,
        """
        SELECT status,
               CASE WHEN updated_at > $2::timestamptz - $3::interval AND updated_at <= $2 THEN 'current'
                    WHEN updated_at > $2::timestamptz - $4::interval AND updated_at <= $2::timestamptz - $3::interval THEN 'baseline' END,
               count(*)
          FROM control_incident_publish_jobs WHERE tenant_id = $1 GROUP BY 1, 2
        """,
    ];

    public async Task<int> RunAsync(BenchContext context)
    {
        await using var db = await PublishingBenchDatabase.CreateAsync(context, "bench_publish_slo", new Dictionary<string, string?>());
        await db.ExecuteAsync("INSERT INTO control_tenants (tenant_id) VALUES ('bench'), ('other')");
        await db.ExecuteAsync("""
            INSERT INTO control_incident_publish_jobs (tenant_id, run_id, source_dir, target, status, attempts, created_at, updated_at, next_attempt_at)
            SELECT CASE WHEN g % 10 = 0 THEN 'other' ELSE 'bench' END, 'run-' || g, '/b', 's3://b/p',
                   (ARRAY['succeeded','succeeded','succeeded','succeeded','succeeded','succeeded','failed','dead_letter','pending','processing'])[1 + g % 10],
                   1, $1::timestamptz - (g % 240000) * interval '3 seconds', $1::timestamptz - (g % 240000) * interval '3 seconds', $1
              FROM generate_series(1, $2) g
            """, Anchor, Rows);
        await db.ExecuteAsync("VACUUM ANALYZE control_incident_publish_jobs");

        var reader = new PublishSloReader(db.DataSource);
        var thresholds = new PublishSloThresholds(24, 168, 20, 2, 0.05, 0.02, 200, 20, 50);
        var parameters = new object[] { "bench", Anchor, TimeSpan.FromHours(24), TimeSpan.FromHours(168) };

        var readerMs = await BestOfAsync(() => reader.ReadAsync("bench", thresholds, Anchor, CancellationToken.None));
        var statementMs = new List<double>();
        foreach (var sql in Alternatives.Append(PublishSloReader.CountsSql))
        {
            statementMs.Add(await BestOfAsync(() => ScalarAsync(db.DataSource, sql, parameters)));
        }
        var best = statementMs.Min();

        var table = new BenchTable($"publish-slo: report over {Rows:N0} queue rows");
        table.Add("report (reader)", readerMs, " ms", "", true);
        for (var i = 0; i < statementMs.Count; i++) table.Add($"single statement {i + 1}", statementMs[i], " ms", "", true);
        table.Add("reader / best statement", readerMs / best, "x", "<= 1.3", readerMs / best <= 1.3);
        return table.Print();
    }

    private static async Task<double> BestOfAsync<T>(Func<Task<T>> action)
    {
        await action();
        var best = double.MaxValue;
        for (var i = 0; i < Repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
        }
        return best;
    }

    private static async Task<int> ScalarAsync(NpgsqlDataSource dataSource, string sql, object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync()) rows++;
        return rows;
    }
}
