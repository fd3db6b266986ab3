using Aionis.Jobs.Telemetry;
using Aionis.Tests.Support;

namespace Aionis.Tests.Telemetry;

/// <summary>
/// <c>aionis db tune --telemetry-index</c>, the real binary: off by default, a dry run prints the DDL and changes nothing,
/// a run builds the covering index valid and with exactly the columns asked for, a second run finds it, an interrupted
/// (invalid) build is replaced, and the reports then read the tenant's range without touching the heap.
/// </summary>
public sealed class TelemetryIndexTests
{
    private const string IndexDefinitionSql = """
        SELECT pg_get_indexdef(i.indexrelid) || ' valid=' || i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE c.relname = 'memory_request_telemetry_tenant_created_covering_idx'
        """;

    private const string IndexesSql = "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'memory_request_telemetry'";

    private TestDatabase _db = null!;
    private string _artifacts = null!;

    [SetUp]
    public async Task SetUp()
    {
        _db = await TestDatabase.CreateAsync();
        _artifacts = Directory.CreateTempSubdirectory("aionis-tune-").FullName;
    }

    [TearDown]
    public async Task TearDown() => await _db.DisposeAsync();

    private Task<CliResult> Tune(params string[] args) => AionisCli.RunAsync(["db", "tune", .. args], AionisCli.EnvFor(_db, _artifacts));

    [Test]
    public async Task The_migrated_schema_has_no_covering_index_and_tune_without_a_flag_is_a_usage_error()
    {
        var result = await Tune();
        Assert.Multiple(async () =>
        {
            Assert.That(await _db.ScalarAsync<string>(IndexDefinitionSql), Is.Null, "off by default");
            Assert.That(result.ExitCode, Is.EqualTo(64));
            Assert.That(result.Stderr, Does.Contain("--telemetry-index"));
        });
    }

    [Test]
    public async Task A_dry_run_prints_the_ddl_and_changes_nothing()
    {
        await _db.AddTelemetryAsync("acme", "recall", DateTimeOffset.UtcNow.AddHours(-1), 50, keyPrefix: "ak_1");
        var before = await _db.ScalarAsync<string>(IndexesSql);

        var result = await Tune("--telemetry-index", "--dry-run");

        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
            Assert.That(result.Stdout.Trim(), Is.EqualTo(TelemetryIndex.CreateSql + ";"));
            Assert.That(result.Stdout, Does.Contain("CONCURRENTLY").And.Contain("INCLUDE (endpoint, status_code, latency_ms, api_key_prefix)"));
            Assert.That(await _db.ScalarAsync<string>(IndexesSql), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task A_run_builds_the_valid_covering_index_once_and_the_timeseries_then_reads_only_the_index()
    {
        await _db.AddTelemetryAsync("acme", "recall", DateTimeOffset.UtcNow.AddHours(-1), 500, keyPrefix: "ak_1");
        await _db.AddTelemetryAsync("other", "recall", DateTimeOffset.UtcNow.AddHours(-1), 5000, keyPrefix: "ak_2");

        var first = await Tune("--telemetry-index");
        var definition = await _db.ScalarAsync<string>(IndexDefinitionSql);
        var second = await Tune("--telemetry-index");
        var dryAfter = await Tune("--telemetry-index", "--dry-run");

        await _db.ExecuteAsync("VACUUM ANALYZE memory_request_telemetry");
        var plan = await PlanAsync("""
            SELECT date_trunc('hour', created_at, 'UTC'), endpoint, count(*), percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)
              FROM memory_request_telemetry WHERE tenant_id = 'acme' AND created_at >= now() - interval '168 hours' GROUP BY 1, 2
            """);

        Assert.Multiple(() =>
        {
            Assert.That(first.ExitCode, Is.EqualTo(0), first.Stderr);
            Assert.That(first.Stderr, Does.Contain("created"));
            Assert.That(definition, Is.EqualTo(
                "CREATE INDEX memory_request_telemetry_tenant_created_covering_idx ON public.memory_request_telemetry USING btree (tenant_id, created_at) " +
                "INCLUDE (endpoint, status_code, latency_ms, api_key_prefix) valid=true"));
            Assert.That(second.ExitCode, Is.EqualTo(0), second.Stderr);
            Assert.That(second.Stderr, Does.Contain("already present"));
            Assert.That(dryAfter.Stdout, Does.Contain("nothing to run"));
            Assert.That(plan, Does.Contain("Index Only Scan using memory_request_telemetry_tenant_created_covering_idx"));
        });
    }

    /// <summary>The plan on a session that rules out sequential and bitmap scans (on a tiny table the planner would take one).</summary>
    private async Task<string> PlanAsync(string sql)
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        await using (var off = new Npgsql.NpgsqlCommand("SET enable_seqscan = off; SET enable_bitmapscan = off", connection)) await off.ExecuteNonQueryAsync();
        await using var explain = new Npgsql.NpgsqlCommand("EXPLAIN " + sql, connection);
        await using var reader = await explain.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return string.Join("\n", lines);
    }

    [Test]
    public async Task An_invalid_index_left_by_an_interrupted_build_is_dropped_and_built_again()
    {
        await _db.ExecuteAsync($"CREATE INDEX {TelemetryIndex.Name} ON memory_request_telemetry (tenant_id)");
        // What an interrupted CREATE INDEX CONCURRENTLY leaves behind: the catalog entry, marked invalid.
        await _db.ExecuteAsync($"UPDATE pg_index SET indisvalid = false WHERE indexrelid = '{TelemetryIndex.Name}'::regclass");

        var dry = await Tune("--telemetry-index", "--dry-run");
        var run = await Tune("--telemetry-index");

        Assert.Multiple(async () =>
        {
            Assert.That(dry.Stdout, Does.StartWith(TelemetryIndex.DropInvalidSql + ";"));
            Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
            Assert.That(run.Stderr, Does.Contain("invalid"));
            Assert.That(await _db.ScalarAsync<string>(IndexDefinitionSql), Does.Contain("INCLUDE (endpoint, status_code, latency_ms, api_key_prefix) valid=true"));
        });
    }
}
