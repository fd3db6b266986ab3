using System.Text.RegularExpressions;
using Aionis.Tests.Support;

namespace Aionis.Tests.Production;

/// <summary>
/// Every line the worker logs has an event id of its area (docs/ARCHITECTURE.md, "Logging"): none shows <c>[0]</c>,
/// because the code logs only through <c>[LoggerMessage]</c> methods.
/// </summary>
public sealed partial class LogEventIdTests : CliFixtureTest
{
    // "2026-11-23T22:13:26.025Z info: Aionis.Worker.Running.JobRunner[1000] run=… message" (the console formatter).
    [GeneratedRegex(@"^\S+ (?:trce|dbug|info|warn|fail|crit): (?<category>Aionis\.[\w.]+)\[(?<id>\d+)\] ", RegexOptions.Multiline)]
    private static partial Regex WorkerLine();

    // logger.LogInformation("…"), logger.Log(LogLevel.Warning, "…"): extension methods that log with event id 0.
    [GeneratedRegex(@"\.Log(?:Trace|Debug|Information|Warning|Error|Critical)?\(")]
    private static partial Regex DirectLogCall();

    [Test]
    public async Task A_representative_session_logs_no_line_with_event_id_0()
    {
        var env = new Dictionary<string, string?>(Env) { ["Logging__LogLevel__Default"] = "Trace" };
        List<string[]> commands =
        [
            ["registry", "sync", "--registry", RegistryPath],
            ["run", KeyRotationRegistry.TaskId, "--registry", RegistryPath],
            ["run", KeyRotationRegistry.TaskId, "--registry", RegistryPath, "--dry-run"],
            ["job", "hosted-key-rotation-sla", "--strict"],
            ["job", "incident-retention", "--dry-run"],
            ["history"],
        ];
        var lines = new List<(string Command, string Category, int Id)>();
        foreach (var command in commands)
        {
            var result = await AionisCli.RunAsync(command, env);
            Assert.That(result.ExitCode, Is.Not.EqualTo(64).And.Not.EqualTo(1), $"{string.Join(' ', command)}: {result.Stderr}");
            lines.AddRange(WorkerLine().Matches(result.Stderr + result.Stdout)
                .Select(m => (string.Join(' ', command), m.Groups["category"].Value, int.Parse(m.Groups["id"].Value))));
        }

        Assert.Multiple(() =>
        {
            // Negative control: the scan reads the formatter's lines (the runner's start line is 1000).
            Assert.That(lines.Select(l => l.Id), Does.Contain(1000), "the scan found the runner's lines");
            Assert.That(lines.Where(l => l.Id == 0).Select(l => $"{l.Command}: {l.Category}[0]"), Is.Empty);
        });
    }

    [Test]
    public void The_source_logs_only_through_LoggerMessage_methods()
    {
        Assert.That(DirectLogCall().IsMatch("""logger.LogInformation("x {Y}", y);"""), Is.True, "negative control: the pattern finds a direct call");
        var root = FindRoot();
        var direct = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (path, line, index)))
            .Where(x => DirectLogCall().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(root, x.path)}:{x.index + 1}: {x.line.Trim()}")
            .ToList();
        Assert.That(direct, Is.Empty, "log through a [LoggerMessage] method with an event id of the area (docs/ARCHITECTURE.md)");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Aionis.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Aionis.sln not found above the test directory");
    }
}
