using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Backups;

/// <summary>backup-create --globals writes pg_dumpall --globals-only beside the dump; the drill restores missing roles first.</summary>
public sealed class BackupGlobalsTests : BackupsFixture
{
    [Test]
    public async Task Globals_are_dumped_beside_the_dump_and_the_drill_creates_only_missing_roles_and_drops_them_again()
    {
        var role = "aionis_globals_" + Guid.NewGuid().ToString("N")[..8];
        await Db.ExecuteAsync($"CREATE ROLE {role} NOLOGIN");
        string backupId;
        try
        {
            var created = await Worker.RunAsync("backup-create", new Dictionary<string, object?> { ["target"] = Target, ["globals"] = null });
            Assert.That(created.ExitCode, Is.EqualTo(ExitCodes.Ok), created.Error);
            backupId = WorkerHarness.SummaryJson(created).GetProperty("backup_id").GetString()!;
        }
        finally
        {
            await Db.ExecuteAsync($"DROP ROLE {role}");
        }
        var folder = Path.Combine(Target, backupId);
        var globals = await File.ReadAllTextAsync(Path.Combine(folder, "globals.sql"));
        var manifest = BackupsRows.ReadManifest(folder);

        var drill = await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = Target, ["strict"] = null });

        var summary = WorkerHarness.SummaryJson(drill);
        Assert.Multiple(async () =>
        {
            Assert.That(globals, Does.Contain($"CREATE ROLE {role};"));
            Assert.That(globals, Does.Not.Contain("PASSWORD"), "no password hashes leave the server");
            Assert.That((string?)manifest["globals_file"], Is.EqualTo("globals.sql"));
            Assert.That(drill.ExitCode, Is.EqualTo(ExitCodes.Ok), drill.Error + summary);
            Assert.That(summary.GetProperty("roles_created").EnumerateArray().Select(r => r.GetString()), Is.EqualTo(new[] { role }),
                "only the missing role; postgres and the others already exist and are left alone");
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM pg_roles WHERE rolname = $1", role), Is.Zero, "dropped with the scratch database");
        });
    }
}
