using Aionis.Jobs.Framework;
using Aionis.Tests.Support;
using Aionis.Worker.Scheduling;

namespace Aionis.Tests.Scheduling;

/// <summary>Contract §3: every malformed registry gives its own precise error with file, line, column, task and field.</summary>
public sealed class MalformedRegistryTests
{
    private const string Header = "version: 1\ntasks:\n";

    private static RegistryLoader Loader() => new(JobCatalog.Default, _ => null);

    private static IReadOnlyList<RegistryError> ErrorsOf(string yaml)
    {
        var e = Assert.Throws<RegistryInvalidException>(() => Loader().Parse("/etc/aionis/task_registry.yml", yaml))!;
        return e.Errors;
    }

    public static IEnumerable<TestCaseData> Corpus()
    {
        TestCaseData Case(string name, string yaml, int line, string field, string fragment) =>
            new TestCaseData(yaml, line, field, fragment).SetName($"Malformed registry: {name}");

        const string sla = "  - id: sla\n    job: hosted-key-rotation-sla\n    schedule: \"0 6 * * *\"\n    permissions: [read:control_plane]\n";
        yield return Case("yaml syntax", Header + "  - id: sla\n    job: [unclosed\n", 5, "yaml", "");
        yield return Case("unknown top-level key", "version: 1\nschedules: []\ntasks: []\n", 2, "schedules", "unknown key");
        yield return Case("wrong version", "version: 2\ntasks: []\n", 1, "version", "must be 1");
        yield return Case("unknown task key", Header + sla + "    cron: \"* * * * *\"\n", 7, "cron", "unknown key");
        yield return Case("unknown job type", Header + "  - id: sla\n    job: hosted-key-rotation\n    schedule: \"@daily\"\n", 4, "job", "unknown job type 'hosted-key-rotation'");
        yield return Case("bad cron field", Header + "  - id: sla\n    job: hosted-key-rotation-sla\n    schedule: \"61 6 * * *\"\n    permissions: [read:control_plane]\n", 5, "schedule", "minute 61 is out of range 0-59");
        yield return Case("cron with 4 fields", Header + "  - id: sla\n    job: hosted-key-rotation-sla\n    schedule: \"0 6 * *\"\n    permissions: [read:control_plane]\n", 5, "schedule", "expected 5 fields");
        yield return Case("bad duration", Header + sla + "    timeout: 10 minutes\n", 7, "timeout", "must be a duration");
        yield return Case("duplicate id", Header + sla + sla, 7, "id", "duplicate task id 'sla'");
        yield return Case("bad id", Header + "  - id: Key-SLA\n    job: hosted-key-rotation-sla\n    schedule: \"@daily\"\n    permissions: [read:control_plane]\n", 3, "id", "must match");
        yield return Case("missing permission", Header + "  - id: sla\n    job: hosted-key-rotation-sla\n    schedule: \"@daily\"\n    permissions: []\n", 6, "permissions", "needs read:control_plane");
        yield return Case("unknown permission", Header + "  - id: sla\n    job: hosted-key-rotation-sla\n    schedule: \"@daily\"\n    permissions: [read:control_plane, root]\n", 6, "permissions", "unknown permission 'root'");
        yield return Case("input of wrong type", Header + sla + "    inputs:\n      max_age_days: thirty\n", 8, "inputs.max_age_days", "'thirty': expected a whole number");
        yield return Case("input out of range", Header + sla + "    inputs:\n      limit: 5000\n", 8, "inputs.limit", "out of range, allowed 1..1000");
        yield return Case("unknown input", Header + sla + "    inputs:\n      max_age: 3\n", 8, "inputs.max_age", "is not an option of hosted-key-rotation-sla");
        yield return Case("bad time zone", Header + sla + "    time_zone: Mars/Olympus\n", 7, "time_zone", "unknown time zone 'Mars/Olympus'");
        yield return Case("bad overlap", Header + sla + "    overlap: sometimes\n", 7, "overlap", "must be one of skip, queue, allow");
        yield return Case("bad retry attempts", Header + sla + "    retry: { max_attempts: 0 }\n", 7, "retry.max_attempts", "1..100");
        yield return Case("bad notify severity", Header + sla + "    notify: { on_failure: true, severity: loud }\n", 7, "notify.severity", "must be one of info, warning, critical");
        yield return Case("enabled not a flag", Header + sla + "    enabled: maybe\n", 7, "enabled", "must be true or false");
        yield return Case("tenant fan-out on a global job", Header + sla + "    inputs:\n      tenant_id: \"*\"\n", 8, "inputs.tenant_id", "is not an option");
        yield return Case("bad default", "version: 1\ndefaults:\n  timeout: forever\ntasks:\n" + sla, 3, "defaults.timeout", "must be a duration");
    }

    [TestCaseSource(nameof(Corpus))]
    public void Each_error_names_the_line_and_the_field(string yaml, int line, string field, string fragment)
    {
        var errors = ErrorsOf(yaml);

        var error = errors.FirstOrDefault(e => e.Field == field);
        Assert.That(error, Is.Not.Null, $"no error for field '{field}'; got: {string.Join(" | ", errors)}");
        Assert.Multiple(() =>
        {
            Assert.That(error!.Line, Is.EqualTo(line), error.ToString());
            Assert.That(error.Message, Does.Contain(fragment));
            Assert.That(error.File, Is.EqualTo("task_registry.yml"));
            Assert.That(error.ToString(), Does.StartWith($"task_registry.yml:{line}:"));
        });
    }

    [Test]
    public void All_errors_are_reported_at_once()
    {
        var errors = ErrorsOf(Header +
            "  - id: one\n    job: nope\n    schedule: \"@daily\"\n" +
            "  - id: two\n    job: hosted-key-rotation-sla\n    schedule: \"bad\"\n    permissions: [read:control_plane]\n    timeout: x\n");

        Assert.That(errors.Select(e => (e.TaskId, e.Field)), Is.SupersetOf(new (string?, string)[] { ("one", "job"), ("two", "schedule"), ("two", "timeout") }));
    }

    [Test]
    public void The_repository_registry_is_valid_and_every_task_has_owner_and_description()
    {
        var registry = Loader().Load(Path.Combine(TestEnvironment.RepositoryRoot, "task_registry.yml"));

        Assert.Multiple(() =>
        {
            Assert.That(registry.Tasks, Is.Not.Empty);
            foreach (var task in registry.Tasks)
            {
                Assert.That(task.Owner, Is.Not.Null.And.Not.Empty, task.Id);
                Assert.That(task.Description, Is.Not.Null.And.Not.Empty, task.Id);
            }
        });
    }

    [TestCase("0 6 * * *", "0 0 6 * * ?")]
    [TestCase("*/15 * * * *", "0 */15 * * * ?")]
    [TestCase("0 6 * * 1-5", "0 0 6 ? * MON-FRI")]
    [TestCase("0 6 * * 0,7", "0 0 6 ? * SUN,SUN")]
    [TestCase("30 2 1 * *", "0 30 2 1 * ?")]
    [TestCase("@weekly", "0 0 0 ? * SUN")]
    [TestCase("0 0/5 * * * ?", "0 0/5 * * * ?")]
    public void Schedules_become_quartz_cron(string schedule, string quartz)
    {
        Assert.That(CronSchedule.TryToQuartz(schedule, out var converted, out var problem), Is.True, problem);
        Assert.That(converted, Is.EqualTo(quartz));
    }

    [Test]
    public async Task Validate_through_the_binary_prints_every_error_and_exits_64()
    {
        var dir = Directory.CreateTempSubdirectory("aionis-registry-").FullName;
        var path = Path.Combine(dir, "task_registry.yml");
        await File.WriteAllTextAsync(path, Header + "  - id: sla\n    job: hosted-key-rotation-sla\n    schedule: \"0 25 * * *\"\n    permissions: []\n");

        var result = await AionisCli.RunAsync(["registry", "validate", "--registry", path], AionisCli.EnvFor(null, dir));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64));
            Assert.That(result.Stderr, Does.Contain("task_registry.yml:5:15: task 'sla': schedule:"));
            Assert.That(result.Stderr, Does.Contain("task_registry.yml:6:18: task 'sla': permissions:"));
        });
    }
}
