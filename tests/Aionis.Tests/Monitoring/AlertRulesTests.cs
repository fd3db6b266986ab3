using Aionis.Tests.Support;

namespace Aionis.Tests.Monitoring;

/// <summary>The shipped Prometheus rules (deploy/prometheus) pass promtool's own checks and unit tests.</summary>
public sealed class AlertRulesTests
{
    private static string Folder => Path.Combine(TestEnvironment.RepositoryRoot, "deploy", "prometheus");

    [Test]
    public async Task Promtool_checks_the_rules_and_the_example_config()
    {
        var rules = await EvidenceTools.RunAsync("promtool", Folder, "check", "rules", "aionis-rules.yml");
        var config = await EvidenceTools.RunAsync("promtool", Folder, "check", "config", "prometheus.example.yml");
        Assert.Multiple(() =>
        {
            Assert.That(rules.ExitCode, Is.EqualTo(0), rules.Stdout + rules.Stderr);
            Assert.That(rules.Stdout + rules.Stderr, Does.Contain("SUCCESS: 7 rules found"));
            Assert.That(config.ExitCode, Is.EqualTo(0), config.Stdout + config.Stderr);
        });
    }

    [Test]
    public async Task Promtool_unit_tests_of_every_alert_pass()
    {
        var tests = Directory.GetFiles(Path.Combine(Folder, "tests"), "*.test.yml");
        var result = await EvidenceTools.RunAsync("promtool", Path.Combine(Folder, "tests"), ["test", "rules", .. tests]);
        var alerts = File.ReadAllText(Path.Combine(Folder, "aionis-rules.yml")).Split('\n')
            .Where(line => line.TrimStart().StartsWith("- alert: ", StringComparison.Ordinal))
            .Select(line => line.Trim()["- alert: ".Length..]).ToList();
        var tested = string.Concat(tests.Select(File.ReadAllText));
        Assert.Multiple(() =>
        {
            Assert.That(tests, Is.Not.Empty);
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Stdout + result.Stderr);
            Assert.That(result.Stdout + result.Stderr, Does.Contain("SUCCESS"));
            Assert.That(alerts, Has.Count.EqualTo(7));
            Assert.That(alerts.Where(a => !tested.Contains($"alertname: {a}", StringComparison.Ordinal)), Is.Empty, "every alert has a unit test");
        });
    }

    [Test]
    public async Task The_unit_tests_fail_when_a_rule_counts_dry_runs()
    {
        // Negative control: the same tests against rules that forgot the dry_run filter must fail.
        var scratch = Directory.CreateTempSubdirectory("aionis-rules-").FullName;
        Directory.CreateDirectory(Path.Combine(scratch, "tests"));
        File.WriteAllText(Path.Combine(scratch, "aionis-rules.yml"),
            File.ReadAllText(Path.Combine(Folder, "aionis-rules.yml")).Replace("dry_run=\"false\", ", ""));
        File.Copy(Path.Combine(Folder, "tests", "aionis-rules.test.yml"), Path.Combine(scratch, "tests", "aionis-rules.test.yml"));

        var result = await EvidenceTools.RunAsync("promtool", Path.Combine(scratch, "tests"), "test", "rules", "aionis-rules.test.yml");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.Stdout + result.Stderr);
            Assert.That(result.Stdout + result.Stderr, Does.Contain("AionisTaskFailing"));
        });
        Directory.Delete(scratch, recursive: true);
    }
}
