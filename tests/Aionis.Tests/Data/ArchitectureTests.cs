using System.Reflection;
using System.Text.RegularExpressions;
using Aionis.Data;
using Aionis.Jobs.Framework;

namespace Aionis.Tests.Data;

/// <summary>
/// The list "Which areas may use which" in docs/ARCHITECTURE.md is what the code does: the assemblies' references, and
/// the <c>Aionis.Jobs.*</c> names each area's source files use (usings and qualified names).
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly string Root = FindRoot();

    [Test]
    public void Data_references_neither_the_jobs_the_worker_nor_Quartz()
    {
        var references = typeof(SchemaScripts).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.That(references, Has.None.StartsWith("Aionis.Jobs").And.None.EqualTo("aionis").And.None.StartsWith("Quartz"));
    }

    [Test]
    public void Jobs_reference_neither_the_worker_Quartz_nor_the_command_line()
    {
        var references = typeof(JobCatalog).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.That(references, Has.None.EqualTo("aionis").And.None.StartsWith("Quartz").And.None.StartsWith("System.CommandLine"));
    }

    [Test]
    public void The_copy_of_Quartz_schema_script_is_the_one_Quartz_ships()
    {
        using var stream = typeof(Quartz.IScheduler).Assembly.GetManifestResourceStream(SchemaScripts.QuartzSchemaResource)!;
        var shipped = new StreamReader(stream).ReadToEnd();
        Assert.That(Normalised(SchemaScripts.QuartzSchemaScript()), Is.EqualTo(Normalised(shipped)),
            "Quartz's script changed: copy it to src/Aionis.Data/Sql/quartz_tables.sql (and add a migration if the tables changed)");
    }

    [Test]
    public void Each_area_uses_only_the_areas_the_architecture_lists() =>
        Assert.That(Violations("Aionis.Jobs", JobAreas()), Is.Empty);

    [Test]
    public void Each_worker_folder_uses_only_the_folders_the_architecture_lists() =>
        Assert.That(Violations("Aionis.Worker", WorkerFolders()), Is.Empty);

    [Test]
    public void The_lists_have_no_loops()
    {
        // Each list is ordered: a row uses only rows above it, so the code (checked above) has no loop
        // (Hosting ↔ Running, Hosting ↔ Scheduling, Cli ↔ Running were ones).
        foreach (var list in new[] { JobAreas(), WorkerFolders() })
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (folder, uses) in list)
            {
                Assert.That(uses.Where(used => !seen.Contains(used)), Is.Empty, $"{folder} uses a row listed after it");
                seen.Add(folder);
            }
        }
        Assert.That(WorkerFolders().Keys, Does.Contain("Running").And.Contain("Hosting").And.Contain("Scheduling").And.Contain("Configuration"));
    }

    [Test]
    public void Each_file_is_in_its_folders_namespace()
    {
        // Names of the own namespace need no using: a file of one area declaring another's namespace would escape the scan.
        var misplaced = new List<string>();
        foreach (var project in new[] { "Aionis.Jobs", "Aionis.Worker" })
        {
            foreach (var (folder, file) in SourceFiles(project))
            {
                var declared = Regex.Match(File.ReadAllText(file), @"^namespace ([A-Za-z.]+)", RegexOptions.Multiline).Groups[1].Value;
                if (declared != $"{project}.{folder}" && !declared.StartsWith($"{project}.{folder}.", StringComparison.Ordinal))
                {
                    misplaced.Add($"{Path.GetRelativePath(Root, file)} declares {declared}");
                }
            }
        }
        Assert.That(misplaced, Is.Empty);
    }

    [Test]
    public void The_worker_meter_is_created_once()
    {
        // Two Meter instances named Aionis.Worker (a static one and one from IMeterFactory) were once both exported.
        var creation = new Regex(@"new Meter\(|\bMeter\s+\w+\s*=\s*new\b|IMeterFactory\s+[a-z]");
        var creators = Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && creation.IsMatch(File.ReadAllText(file)))
            .Select(file => Path.GetRelativePath(Root, file))
            .ToList();
        Assert.That(creators, Is.EqualTo(new[] { Path.Combine("src", "Aionis.Jobs", "Framework", "WorkerMeter.cs") }));
        Assert.That(creation.IsMatch("public TaskGauges(IMeterFactory meters, InFlightRuns runs)"), Is.True, "negative control");
    }

    [Test]
    public void PostgreSQL_failures_are_classified_in_one_place()
    {
        // Aionis.Data, which references no job code, names its one code (42P01 in DatabaseMigrator) itself.
        var classifiers = new[] { "Aionis.Jobs", "Aionis.Worker" }
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(Root, "src", project), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && File.ReadAllText(file).Contains("SqlState", StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(Root, file))
            .ToList();
        Assert.That(classifiers, Is.EqualTo(new[] { Path.Combine("src", "Aionis.Jobs", "Framework", "PostgresFailures.cs") }));
    }

    [Test]
    public void A_forbidden_use_is_found()
    {
        // Negative controls of the scans above: the pattern sees a using of another area, and the lists forbid it.
        Assert.That(Uses("using Aionis.Jobs.Evidence;\nnamespace Aionis.Jobs.Telemetry;", "Aionis.Jobs"), Does.Contain("Evidence"));
        Assert.That(JobAreas()["Telemetry"], Does.Not.Contain("Evidence"));
        Assert.That(Uses("var at = Aionis.Worker.Cli.CliTime.Format(now);", "Aionis.Worker"), Does.Contain("Cli"));
        Assert.That(WorkerFolders()["Running"], Does.Not.Contain("Cli"));
        Assert.That(WorkerFolders()["Hosting"], Does.Not.Contain("Monitoring"));
    }

    /// <summary>Each use in a folder's files of another folder of the same project that its row does not list.</summary>
    private static List<string> Violations(string project, Dictionary<string, HashSet<string>> allowed)
    {
        var files = SourceFiles(project).ToList();
        Assert.That(allowed.Keys, Is.SupersetOf(files.Select(f => f.Folder).Distinct()), "every folder has a row in docs/ARCHITECTURE.md");
        return files
            .SelectMany(f => Uses(File.ReadAllText(f.File), project)
                .Where(other => other != f.Folder && !allowed[f.Folder].Contains(other))
                .Select(other => $"{Path.GetRelativePath(Root, f.File)} uses {other}, which {f.Folder} may not"))
            .ToList();
    }

    /// <summary>The folders of <paramref name="project"/> whose names a text uses (usings and qualified names).</summary>
    private static List<string> Uses(string text, string project) =>
        Regex.Matches(text, $@"\b{Regex.Escape(project)}\.([A-Z][A-Za-z]*)").Select(m => m.Groups[1].Value).Distinct().ToList();

    /// <summary>Every source file in a folder of <c>src/&lt;project&gt;</c> (files at its root, <c>Program.cs</c>, are in none).</summary>
    private static IEnumerable<(string Folder, string File)> SourceFiles(string project)
    {
        var root = Path.Combine(Root, "src", project);
        return Directory.GetDirectories(root)
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj"))
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder!), "*.cs", SearchOption.AllDirectories).Select(file => (folder!, file)));
    }

    private static Dictionary<string, HashSet<string>> JobAreas() => Rows("its areas (`src/Aionis.Jobs/<Area>/`) use:");

    private static Dictionary<string, HashSet<string>> WorkerFolders() => Rows("Its folders (`src/Aionis.Worker/<Folder>/`) use");

    /// <summary>The rows <c>- `Area` → A, B</c> of docs/ARCHITECTURE.md below the line containing <paramref name="heading"/>, in order.</summary>
    private static Dictionary<string, HashSet<string>> Rows(string heading)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "docs", "ARCHITECTURE.md"));
        var start = Array.FindIndex(lines, line => line.Contains(heading, StringComparison.Ordinal));
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"docs/ARCHITECTURE.md has the list '{heading}'");
        var rows = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(start + 1))
        {
            var m = Regex.Match(line, @"^\s+- `(?<area>[A-Za-z]+)` → (?<uses>.*)$");
            if (!m.Success) break;
            rows.Add(m.Groups["area"].Value, m.Groups["uses"].Value.Split(',', StringSplitOptions.TrimEntries)
                .Where(u => Regex.IsMatch(u, "^[A-Z][A-Za-z]*$")).ToHashSet(StringComparer.Ordinal));
        }
        return rows;
    }

    private static string Normalised(string script) => script.Replace("\r\n", "\n").TrimStart('\uFEFF');

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Aionis.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Aionis.sln not found above the test directory");
    }
}
