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
    public void Each_area_uses_only_the_areas_the_architecture_lists()
    {
        var allowed = AllowedAreas();
        var areas = Directory.GetDirectories(Path.Combine(Root, "src", "Aionis.Jobs"))
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj") && Directory.EnumerateFiles(Path.Combine(Root, "src", "Aionis.Jobs", name!), "*.cs", SearchOption.AllDirectories).Any())
            .ToList();
        Assert.That(allowed.Keys, Is.SupersetOf(areas), "every area has a row in docs/ARCHITECTURE.md");

        var violations = new List<string>();
        foreach (var area in areas)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "src", "Aionis.Jobs", area!), "*.cs", SearchOption.AllDirectories))
            {
                var used = Regex.Matches(File.ReadAllText(file), @"\bAionis\.Jobs\.([A-Z][A-Za-z]*)").Select(m => m.Groups[1].Value)
                    .Where(other => other != area).Distinct();
                violations.AddRange(used.Where(other => !allowed[area!].Contains(other))
                    .Select(other => $"{Path.GetRelativePath(Root, file)} uses {other}, which {area} may not"));
            }
        }
        Assert.That(violations, Is.Empty);
    }

    [Test]
    public void A_forbidden_use_is_found()
    {
        // Negative control of the scan above: the pattern sees a using of another area.
        var used = Regex.Matches("using Aionis.Jobs.Evidence;\nnamespace Aionis.Jobs.Telemetry;", @"\bAionis\.Jobs\.([A-Z][A-Za-z]*)")
            .Select(m => m.Groups[1].Value).ToList();
        Assert.That(used, Does.Contain("Evidence"));
        Assert.That(AllowedAreas()["Telemetry"], Does.Not.Contain("Evidence"));
    }

    /// <summary>The rows <c>- `Area` → A, B</c> of docs/ARCHITECTURE.md.</summary>
    private static Dictionary<string, HashSet<string>> AllowedAreas() =>
        File.ReadAllLines(Path.Combine(Root, "docs", "ARCHITECTURE.md"))
            .Select(line => Regex.Match(line, @"^\s+- `(?<area>[A-Za-z]+)` → (?<uses>.*)$"))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups["area"].Value, m => m.Groups["uses"].Value.Split(',', StringSplitOptions.TrimEntries)
                .Where(u => Regex.IsMatch(u, "^[A-Z][A-Za-z]*$")).ToHashSet(StringComparer.Ordinal));

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
