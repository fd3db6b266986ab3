using Aionis.Tests.Support;

namespace Aionis.Tests.Reports;

/// <summary>The reports through the real binary: a bad value of any report job is one line naming it, exit 64, no run recorded.</summary>
public sealed class ReportsCliTests
{
    private TestDatabase _db = null!;
    private string _dir = null!;
    private Dictionary<string, string?> _env = null!;

    [SetUp]
    public async Task SetUp()
    {
        _db = await TestDatabase.CreateAsync();
        _dir = Directory.CreateTempSubdirectory("aionis-reports-cli-").FullName;
        _env = AionisCli.EnvFor(_db, _dir);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _db.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [TestCase("ops-daily-checklist --shift noon", "shift", "noon")]
    [TestCase("ops-daily-checklist --shift morning --max-error-rate 1.5", "max-error-rate", "1.5")]
    [TestCase("oncall-weekly-handoff --days 0", "days", "0")]
    [TestCase("slo-report --month 2026-13", "month", "2026-13")]
    [TestCase("slo-report --window-days 400", "window-days", "400")]
    [TestCase("slo-burn-rate --gate sometimes", "gate", "sometimes")]
    [TestCase("slo-burn-rate --slo api_latency_p95", "slo", "api_latency_p95")]
    [TestCase("hosted-incident-publish-rollup --tenant-id acme --sample-limit 101", "sample-limit", "101")]
    public async Task A_bad_value_is_one_line_and_exit_64(string command, string option, string value)
    {
        var result = await AionisCli.RunAsync(["job", .. command.Split(' ')], _env);

        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64), result.Stderr);
            Assert.That(lines, Has.Length.EqualTo(1), result.Stderr);
            Assert.That(lines[0], Does.Contain(option).And.Contain(value));
            Assert.That(result.Stderr, Does.Not.Contain("   at "));
            Assert.That(await _db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE status = 'succeeded'"), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task A_checklist_prints_its_summary_and_writes_its_report_under_the_artifacts_root()
    {
        var result = await AionisCli.RunAsync(["job", "ops-daily-checklist", "--shift", "evening", "--out-dir", "reports/today", "--min-free-percent", "0"], _env);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
            Assert.That(result.Stdout, Does.Contain("\"shift\": \"evening\""));
            Assert.That(File.ReadAllText(Path.Combine(_dir, "reports", "today", "evening.md")), Does.StartWith("# Evening checklist"));
        });
    }
}
