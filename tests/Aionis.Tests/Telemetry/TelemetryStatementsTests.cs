using Aionis.Jobs.Framework;
using Aionis.Jobs.Telemetry;
using Aionis.Tests.Support;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Aionis.Tests.Telemetry;

/// <summary>
/// The report statements' session settings: <c>work_mem</c> (and the parallel cost, when asked for) hold inside the
/// statement's own transaction only, and a bad <c>Telemetry:WorkMem</c> stops the command at start with one line.
/// </summary>
public sealed class TelemetryStatementsTests
{
    private TestDatabase _db = null!;

    [OneTimeSetUp]
    public async Task SetUp() => _db = await TestDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task TearDown() => await _db.DisposeAsync();

    [Test]
    public async Task Work_mem_and_the_parallel_cost_hold_for_the_statement_only_and_the_pooled_connection_comes_back_unchanged()
    {
        // One pooled connection, so the query after the statement runs on the very session the statement used.
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_db.ConnectionString) { MaxPoolSize = 1 }.ConnectionString);
        var statements = new TelemetryStatements(dataSource, new TelemetrySettings { WorkMem = "48MB" });
        const string settingsSql = "SELECT current_setting('work_mem'), current_setting('parallel_tuple_cost'), pg_backend_pid()";
        async Task<(string WorkMem, string ParallelCost, int Pid)> Read(NpgsqlDataReader reader)
        {
            await reader.ReadAsync();
            return (reader.GetString(0), reader.GetString(1), reader.GetInt32(2));
        }

        var plain = await statements.QueryAsync(settingsSql, [], Read, CancellationToken.None);
        var parallel = await statements.QueryAsync(settingsSql, [], Read, CancellationToken.None, preferParallel: true);
        await using var after = dataSource.CreateCommand(settingsSql);
        await using var reader = await after.ExecuteReaderAsync();
        var afterwards = await Read(reader);

        Assert.Multiple(() =>
        {
            Assert.That(plain.WorkMem, Is.EqualTo("48MB"));
            Assert.That(plain.ParallelCost, Is.EqualTo("0.1"), "the server default unless the statement asks");
            Assert.That(parallel.WorkMem, Is.EqualTo("48MB"));
            Assert.That(parallel.ParallelCost, Is.EqualTo(TelemetryStatements.ParallelTupleCost));
            Assert.That(afterwards.Pid, Is.EqualTo(parallel.Pid), "same pooled session");
            Assert.That(afterwards.WorkMem, Is.EqualTo("4MB"), "SET LOCAL ended with the statement's transaction");
            Assert.That(afterwards.ParallelCost, Is.EqualTo("0.1"));
        });
    }

    [TestCase("64XB")]
    [TestCase("32kB")]
    [TestCase("lots")]
    public async Task A_bad_work_mem_stops_the_job_at_start_naming_the_key_the_value_and_what_is_allowed(string value)
    {
        var artifacts = Directory.CreateTempSubdirectory("aionis-workmem-").FullName;
        var result = await AionisCli.RunAsync(["job", "hosted-key-usage-anomaly", "--tenant-id", "acme", "-c", $"Telemetry:WorkMem={value}"],
            AionisCli.EnvFor(_db, artifacts));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64), result.Stderr);
            Assert.That(result.Stderr.Trim(), Does.Contain($"Telemetry:WorkMem '{value}'").And.Contain("64kB"));
            Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");
            Assert.That(result.Stdout, Is.Empty);
        });
    }

    [TestCase("256MB", "256MB")]
    [TestCase("1 GB", "1GB")]
    [TestCase(null, "64MB")]
    public void Work_mem_accepts_postgres_memory_sizes_and_defaults_to_64_mb(string? value, string expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [TelemetrySettings.WorkMemKey] = value }).Build();
        var settings = new TelemetrySettings();
        Assert.That(Settings.Bind(configuration, settings), Is.Empty);
        Assert.That(settings.Problems(), Is.Empty);
        Assert.That(settings.WorkMemSetting(), Is.EqualTo(expected));
    }
}
