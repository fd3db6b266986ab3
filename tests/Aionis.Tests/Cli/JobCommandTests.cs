using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.Cli;

/// <summary>The real binary: option syntax, option errors (exit 64), gate exit codes, stdout = summary only.</summary>
public sealed class JobCommandTests
{
    private TestDatabase _db = null!;
    private string _artifacts = null!;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        _db = await TestDatabase.CreateAsync();
        _artifacts = Directory.CreateTempSubdirectory("aionis-cli-").FullName;
        await _db.AddKeyAsync("acme", "ak_live_old", DateTimeOffset.UtcNow.AddDays(-45));
    }

    [OneTimeTearDown]
    public async Task TearDown() => await _db.DisposeAsync();

    [Test]
    public async Task Equals_syntax_strict_and_out_file_give_exit_2_and_the_same_json_in_both_places()
    {
        var result = await AionisCli.RunAsync(["job", "hosted-key-rotation-sla", "--strict", "--max-age-days=30", "--out", "sla/{run_id}.json"],
            AionisCli.EnvFor(_db, _artifacts));

        var stdout = JsonDocument.Parse(result.Stdout).RootElement;
        var written = Directory.GetFiles(Path.Combine(_artifacts, "sla"), "*.json").Single();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.Stderr);
            Assert.That(stdout.GetProperty("stale_count").GetInt32(), Is.EqualTo(1));
            Assert.That(File.ReadAllText(written), Is.EqualTo(result.Stdout));
        });
    }

    [TestCase("--max-age-days", "abc", "max-age-days 'abc'")]
    [TestCase("--max-age-days", "0", "out of range, allowed 1..3650")]
    [TestCase("--limit", "5000", "--limit '5000': out of range, allowed 1..1000")]
    [TestCase("--max-age-days", "2.5", "expected a whole number")]
    public async Task A_bad_value_names_the_option_the_value_and_the_range(string option, string value, string expected)
    {
        var result = await AionisCli.RunAsync(["job", "hosted-key-rotation-sla", option, value], AionisCli.EnvFor(_db, _artifacts));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64));
            Assert.That(result.Stderr, Does.Contain(expected));
            Assert.That(result.Stdout, Is.Empty);
        });
    }

    [Test]
    public async Task An_unknown_option_is_a_usage_error()
    {
        var result = await AionisCli.RunAsync(["job", "hosted-key-rotation-sla", "--max-age", "3"], AionisCli.EnvFor(_db, _artifacts));

        Assert.That(result.ExitCode, Is.EqualTo(64));
    }

    [Test]
    public async Task A_required_list_option_that_is_not_given_is_a_usage_error()
    {
        var result = await AionisCli.RunAsync(["job", "backup-create"], AionisCli.EnvFor(_db, _artifacts));

        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64), result.Stderr);
            Assert.That(result.Stderr, Does.Contain("--target: is required"));
            Assert.That(await _db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE job = 'backup-create' AND status <> 'failed'"), Is.EqualTo(0L));
        });
    }

    [Test]
    public async Task An_unreachable_database_exits_75()
    {
        var env = AionisCli.EnvFor(_db, _artifacts);
        env["ConnectionStrings__Aionis"] = "Host=127.0.0.1;Port=1;Username=postgres;Database=none;Timeout=2";

        var result = await AionisCli.RunAsync(["job", "hosted-key-rotation-sla"], env);

        Assert.That(result.ExitCode, Is.EqualTo(75), result.Stderr);
    }

    [Test]
    public async Task Jobs_lists_options_with_range_default_and_permissions()
    {
        var result = await AionisCli.RunAsync(["jobs", "hosted-key-rotation-sla"], AionisCli.EnvFor(null, _artifacts));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0));
            Assert.That(result.Stdout, Does.Contain("--max-age-days"));
            Assert.That(result.Stdout, Does.Contain("[1..3650] (default 30)"));
            Assert.That(result.Stdout, Does.Contain("read:control_plane"));
        });
    }
}
