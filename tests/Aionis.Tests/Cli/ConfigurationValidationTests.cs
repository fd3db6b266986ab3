using Aionis.Tests.Support;

namespace Aionis.Tests.Cli;

/// <summary>
/// Every configuration value is checked at start (README "Configuration"): a bad one is exactly one stderr line naming
/// the key, the value and what is allowed, exit 64, before anything runs. One row per setting; each row also carries a
/// good value, which must pass, so a row cannot pass because the command fails for another reason.
/// </summary>
public sealed class ConfigurationValidationTests
{
    private TestDatabase _db = null!;
    private string _dir = null!;

    public sealed record Case(string Key, string Bad, string Good, string Expected)
    {
        public override string ToString() => $"{Key}={Bad}";
    }

    public static readonly Case[] Cases =
    [
        new("Worker__ShutdownGrace", "abc", "00:00:30", "Worker:ShutdownGrace 'abc': allowed a duration [d.]hh:mm:ss in 00:00:00..01:00:00"),
        new("Worker__ShutdownGrace", "02:00:00", "01:00:00", "Worker:ShutdownGrace '02:00:00': allowed a duration"),
        new("Worker__MaxConcurrency", "0", "200", "Worker:MaxConcurrency '0': allowed a whole number in 1..200"),
        new("Worker__ClusterCheckinInterval", "soon", "00:00:05", "Worker:ClusterCheckinInterval 'soon': allowed a duration [d.]hh:mm:ss in 00:00:01..00:05:00"),
        new("Worker__DemoKickoff", "yes please", "false", "Worker:DemoKickoff 'yes please': allowed true or false"),
        new("Worker__NodeName", new string('n', 81), "node-b", "Worker:NodeName 'nnnn"),
        new("Worker__SpoolDirectory", "/proc/nope", "{dir}/spool-ok", "Worker:SpoolDirectory '/proc/nope': allowed a folder the worker can create and write"),
        new("DATABASE_URL", "garbage", "{db-url}", "DATABASE_URL 'garbage': allowed postgres://user:password@host:port/database"),
        new("DATABASE_URL", "postgres://u:hunter2@h:port/db", "{db-url}", "DATABASE_URL 'postgres://u:***@h:port/db': allowed"),
        new("CONTROL_TELEMETRY_RETENTION_HOURS", "-5", "48", "CONTROL_TELEMETRY_RETENTION_HOURS '-5': out of range, allowed 1..87600"),
        new("CONTROL_TELEMETRY_PURGE_BATCH_LIMIT", "lots", "500", "CONTROL_TELEMETRY_PURGE_BATCH_LIMIT 'lots': expected a whole number in 1..200000"),
        new("Alerts__AllowInsecureTargets", "maybe", "true", "Alerts:AllowInsecureTargets 'maybe': allowed true or false"),
        new("AIONIS_ALERT_CHANNELS", "not json", "[]", "AIONIS_ALERT_CHANNELS"),
        new("Backups__PgBinDirectory", "/nonexistent/bin", "/usr/lib/postgresql/15/bin", "Backups:PgBinDirectory '/nonexistent/bin': allowed a folder that holds pg_dump"),
        new("Publishing__Gcs__UploadChunkSize", "300000", "524288", "Publishing:Gcs:UploadChunkSize '300000': allowed a multiple of 262144 (256 KiB)"),
        new("Publishing__Gcs__UploadChunkSize", "1024", "262144", "Publishing:Gcs:UploadChunkSize '1024': allowed a whole number in 262144..268435456"),
        new("STORAGE_EMULATOR_HOST", "ftp://127.0.0.1:1", "127.0.0.1:4443", "STORAGE_EMULATOR_HOST 'ftp://127.0.0.1:1': allowed host:port or an http(s):// URL"),
        new("Evidence__SigningKeyPemFile", "/nonexistent/key.pem", "", "Evidence:SigningKeyPemFile '/nonexistent/key.pem': allowed a readable PEM file"),
    ];

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _db = await TestDatabase.CreateAsync();
        _dir = Directory.CreateTempSubdirectory("aionis-config-").FullName;
    }

    [OneTimeTearDown]
    public async Task TearDown() => await _db.DisposeAsync();

    [TestCaseSource(nameof(Cases))]
    public async Task A_bad_value_stops_the_command_with_one_line_and_exit_64_and_a_good_one_passes(Case row)
    {
        var bad = await AionisCli.RunAsync(["history", "--limit", "1"], Env(row.Key, row.Bad));
        var good = await AionisCli.RunAsync(["history", "--limit", "1"], Env(row.Key, row.Good));

        var lines = bad.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(bad.ExitCode, Is.EqualTo(64), bad.Stderr);
            Assert.That(lines, Has.Length.EqualTo(1), bad.Stderr);
            Assert.That(bad.Stderr, Does.StartWith("aionis: configuration: ").And.Contain(row.Expected));
            Assert.That(bad.Stderr, Does.Not.Contain("hunter2").And.Not.Contain("   at "));
            Assert.That(good.ExitCode, Is.EqualTo(0), good.Stderr);
        });
    }

    [Test]
    public async Task Serve_with_a_bad_value_exits_64_before_it_connects()
    {
        var env = Env("Worker__ShutdownGrace", "banana");
        var result = await AionisCli.RunAsync(["serve", "--registry", Path.Combine(_dir, "none.yml")], env);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64), result.Stderr);
            Assert.That(result.Stderr.Trim(), Is.EqualTo("aionis: configuration: Worker:ShutdownGrace 'banana': allowed a duration [d.]hh:mm:ss in 00:00:00..01:00:00"));
        });
    }

    [Test]
    public async Task Every_bad_value_is_reported_not_only_the_first()
    {
        var env = Env("Worker__MaxConcurrency", "0");
        env["CONTROL_TELEMETRY_RETENTION_HOURS"] = "-5";
        var result = await AionisCli.RunAsync(["history"], env);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64));
            Assert.That(result.Stderr, Does.Contain("Worker:MaxConcurrency '0'").And.Contain("CONTROL_TELEMETRY_RETENTION_HOURS '-5'"));
        });
    }

    private Dictionary<string, string?> Env(string key, string value)
    {
        var env = AionisCli.EnvFor(_db, _dir);
        var url = new Npgsql.NpgsqlConnectionStringBuilder(_db.ConnectionString);
        env[key] = value.Replace("{dir}", _dir).Replace("{db-url}", $"postgres://{url.Username}@{url.Host}:{url.Port}/{url.Database}");
        if (key == "DATABASE_URL") env["ConnectionStrings__Aionis"] = null;
        return env;
    }
}
