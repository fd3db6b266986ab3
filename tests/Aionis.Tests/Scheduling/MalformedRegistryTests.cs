using System.Text.RegularExpressions;
using Aionis.Jobs.Framework;
using Aionis.Tests.Support;
using Aionis.Worker.Scheduling;

namespace Aionis.Tests.Scheduling;

/// <summary>Every malformed registry gives its own precise error with file, line, column, task and field.</summary>
public sealed partial class MalformedRegistryTests
{
    private const string Header = "version: 1\ntasks:\n";

    private static RegistryLoader Loader() => new(JobCatalog.Default, _ => null);

    [GeneratedRegex(@"^# expect: (\d+)(?::(\d+))? (\S+): ?(.*)$")]
    private static partial Regex ExpectMatch();

    private static IReadOnlyList<RegistryError> ErrorsOf(string yaml)
    {
        var e = Assert.Throws<RegistryInvalidException>(() => Loader().Parse("/etc/aionis/task_registry.yml", yaml))!;
        return e.Errors;
    }

    /// <summary>
    /// The hostile-registry corpus, one file per case in <c>Scheduling/Hostile/</c>. The first line of each says what
    /// must be reported: <c># expect: LINE[:COLUMN] FIELD: FRAGMENT</c> (lines count from the comment itself).
    /// Add a file for every defect found.
    /// </summary>
    public static IEnumerable<TestCaseData> Corpus() =>
        Directory.EnumerateFiles(HostileDirectory, "*.yml").Order(StringComparer.Ordinal)
            .Select(path => new TestCaseData(path).SetName($"Hostile registry: {Path.GetFileNameWithoutExtension(path)}"));

    private static string HostileDirectory => Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Aionis.Tests", "Scheduling", "Hostile");

    [TestCaseSource(nameof(Corpus))]
    public void Each_error_names_the_line_and_the_field(string path)
    {
        var expect = ExpectMatch().Match(File.ReadLines(path).First());
        Assert.That(expect.Success, Is.True, $"{path}: the first line must be '# expect: LINE[:COLUMN] FIELD: FRAGMENT'");
        var (line, column, field, fragment) = (int.Parse(expect.Groups[1].Value), expect.Groups[2].Success ? int.Parse(expect.Groups[2].Value) : (int?)null,
            expect.Groups[3].Value, expect.Groups[4].Value);

        var errors = Assert.Throws<RegistryInvalidException>(() => Loader().Load(path))!.Errors;

        var matching = errors.Where(e => e.Field == field && e.Line == line).ToList();
        Assert.That(matching, Has.Count.EqualTo(1), $"expected one error for '{field}' at line {line}; got: {string.Join(" | ", errors)}");
        var error = matching[0];
        Assert.Multiple(() =>
        {
            if (column is { } c) Assert.That(error.Column, Is.EqualTo(c), error.ToString());
            Assert.That(error.Message, Does.Contain(fragment));
            Assert.That(error.File, Is.EqualTo(Path.GetFileName(path)));
            Assert.That(error.ToString(), Does.StartWith($"{Path.GetFileName(path)}:{line}:{error.Column}: "));
            Assert.That(error.ToString(), Does.Not.Contain("\n"), "one error is one line");
        });
    }

    /// <summary>Cases too big to keep as files: generated, checked the same way.</summary>
    public static IEnumerable<TestCaseData> Generated()
    {
        TestCaseData Case(string name, Func<string> yaml, int line, int column, string field, string fragment) =>
            new TestCaseData(yaml, line, column, field, fragment).SetName($"Hostile registry: {name}");

        yield return Case("200k-deep nesting", () => "version: 1\nx: " + new string('[', 200_000) + new string(']', 200_000) + "\n", 2, 19, "yaml", "nested more than 16 levels deep");
        yield return Case("larger than 1 MiB", () => "version: 1\ntasks: []\n# " + new string('x', 1024 * 1024) + "\n", 1, 1, "file", "larger than the 1,048,576 bytes");
        yield return Case("more tasks than allowed", () => Header + string.Concat(Enumerable.Range(0, RegistryLoader.MaxTasks + 1).Select(i =>
            $"  - {{ id: t{i}, job: hosted-key-rotation-sla, schedule: \"@daily\", permissions: [read:control_plane] }}\n")),
            RegistryLoader.MaxTasks + 3, 5, "tasks", "a registry may have at most 5,000");
    }

    [TestCaseSource(nameof(Generated))]
    public void Generated_hostile_files_are_one_error_with_their_location(Func<string> yaml, int line, int column, string field, string fragment)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("aionis-hostile-").FullName, "task_registry.yml");
        File.WriteAllText(path, yaml());

        var errors = Assert.Throws<RegistryInvalidException>(() => Loader().Load(path))!.Errors;

        Assert.That(errors, Has.Count.EqualTo(1), string.Join(" | ", errors));
        Assert.Multiple(() =>
        {
            Assert.That((errors[0].Line, errors[0].Column, errors[0].Field), Is.EqualTo((line, column, field)), errors[0].ToString());
            Assert.That(errors[0].Message, Does.Contain(fragment));
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

    [TestCase("? &r [a, *r]\n: 1\n", "task_registry.yml:1:3: yaml: a key must be a plain value")]
    [TestCase(null, "task_registry.yml:2:19: yaml: nested more than 16 levels deep")]
    public async Task Validate_survives_files_that_used_to_overflow_the_stack(string? yaml, string error)
    {
        var dir = Directory.CreateTempSubdirectory("aionis-registry-").FullName;
        var path = Path.Combine(dir, "task_registry.yml");
        await File.WriteAllTextAsync(path, yaml ?? "version: 1\nx: " + new string('[', 200_000) + new string(']', 200_000) + "\n");

        var result = await AionisCli.RunAsync(["registry", "validate", "--registry", path], AionisCli.EnvFor(null, dir));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64), result.Stderr);
            Assert.That(result.Stderr, Does.StartWith(error));
            Assert.That(result.Stderr, Does.Not.Contain("   at "));
        });
    }
}
