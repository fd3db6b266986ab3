using Aionis.Jobs.Framework;
using Aionis.Tests.Support;

namespace Aionis.Tests.Cli;

/// <summary>Relative output paths and {tenant_id} stay inside Worker:ArtifactsRoot; absolute paths are used as given.</summary>
public sealed class OutputPathConfinementTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Resolve(string path, string? tenant = null) =>
        OutputPaths.Resolve(path, "/srv/aionis/artifacts", Guid.Empty, "task", tenant, Now, "out");

    [TestCase("hosted/{date}/summary.json", null, "/srv/aionis/artifacts/hosted/2026-12-01/summary.json")]
    [TestCase("a/../b.json", null, "/srv/aionis/artifacts/b.json")]
    [TestCase("{tenant_id}/x.json", "acme", "/srv/aionis/artifacts/acme/x.json")]
    [TestCase("/var/tmp/elsewhere.json", null, "/var/tmp/elsewhere.json")]
    public void Paths_inside_the_root_and_absolute_paths_resolve(string path, string? tenant, string expected) =>
        Assert.That(Resolve(path, tenant), Is.EqualTo(expected));

    [TestCase("../../etc/passwd", null, "outside Worker:ArtifactsRoot")]
    [TestCase("a/../../x.json", null, "outside Worker:ArtifactsRoot")]
    [TestCase("../artifacts-other/x.json", null, "outside Worker:ArtifactsRoot")]
    [TestCase("{tenant_id}/x.json", "../../x", "a tenant id is")]
    [TestCase("/abs/{tenant_id}.json", "../x", "a tenant id is")]
    public void Paths_leaving_the_root_and_unsafe_tenant_ids_are_refused(string path, string? tenant, string fragment)
    {
        var e = Assert.Throws<OptionBindingException>(() => Resolve(path, tenant))!;
        Assert.That(e.Message, Does.StartWith($"--out '{path}': ").And.Contain(fragment));
    }

    private sealed record Layout(string Outside, string Root);

    /// <summary>An artifacts root two levels down, so "../../" lands in a folder the test can watch.</summary>
    private static Layout NewLayout()
    {
        var outside = Directory.CreateTempSubdirectory("aionis-confine-").FullName;
        var root = Path.Combine(outside, "a", "artifacts");
        Directory.CreateDirectory(root);
        return new Layout(outside, root);
    }

    private static string[] FilesUnder(string dir) => Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    [Test]
    public async Task A_relative_out_path_outside_the_root_exits_64_before_the_job_runs_and_writes_nothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        var layout = NewLayout();

        var result = await AionisCli.RunAsync(["job", "hosted-key-rotation-sla", "--out", "../../escaped.json"], AionisCli.EnvFor(db, layout.Root));

        Assert.Multiple(async () =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64), result.Stderr);
            // (How quotes are printed is the CLI's business; the line names the option, the value and the root.)
            Assert.That(result.Stderr, Does.Contain("--out ").And.Contain("../../escaped.json").And.Contain("outside Worker:ArtifactsRoot").And.Not.Contain("   at "));
            Assert.That(FilesUnder(layout.Outside), Is.Empty);
            Assert.That(await db.ScalarAsync<string>("SELECT status FROM worker.job_runs"), Is.EqualTo("failed"));
        });
    }

    [Test]
    public async Task A_dry_run_with_a_path_like_tenant_id_exits_64_and_creates_nothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        var layout = NewLayout();

        var result = await AionisCli.RunAsync(["job", "hosted-tenant-timeseries-export", "--tenant-id", "../../x", "--dry-run"], AionisCli.EnvFor(db, layout.Root));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64), result.Stderr);
            Assert.That(result.Stderr, Does.Contain("--tenant-id '../../x': a tenant id is"));
            // The spool folder is the worker's own (created at start); nothing else may appear.
            Assert.That(Directory.GetFileSystemEntries(layout.Outside, "*", SearchOption.AllDirectories),
                Is.EquivalentTo(new[] { Path.Combine(layout.Outside, "a"), layout.Root, Path.Combine(layout.Root, ".spool") }));
        });
    }

    [Test]
    public async Task An_absolute_out_path_given_on_the_command_line_is_written()
    {
        await using var db = await TestDatabase.CreateAsync();
        var layout = NewLayout();
        var absolute = Path.Combine(layout.Outside, "chosen.json");

        var result = await AionisCli.RunAsync(["job", "hosted-key-rotation-sla", "--out", absolute], AionisCli.EnvFor(db, layout.Root));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
            Assert.That(File.ReadAllText(absolute), Is.EqualTo(result.Stdout));
        });
    }
}
