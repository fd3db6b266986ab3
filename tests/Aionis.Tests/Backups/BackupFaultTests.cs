using System.Text.Json;
using Aionis.Data.History;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Backups;

/// <summary>
/// A failed backup must not look like a good one: a full disk at the target, truncated and corrupted dumps with
/// complete manifests, <c>--keep</c> with broken newest backups, and the drill passing over broken ones.
/// </summary>
public sealed class BackupFaultTests : BackupsFixture
{
    [Test]
    public async Task A_full_disk_at_the_target_fails_the_backup_leaves_no_backup_folder_and_prunes_nothing()
    {
        await using var disk = await SmallDisk.MountAsync(Target, 8 << 20);
        var good = await CreateBackupAsync();
        var goodId = good.GetProperty("backup_id").GetString()!;
        var dumpSize = good.GetProperty("dump_size_bytes").GetInt64();
        Assert.That(dumpSize, Is.GreaterThan(32 * 1024), "the dump is big enough that half of it is many pages");
        disk.FillLeaving(dumpSize / 2);
        Clock.Advance(TimeSpan.FromHours(1));

        var failed = await Worker.RunAsync("backup-create", new Dictionary<string, object?> { ["target"] = Target, ["keep"] = "1" });
        var drill = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = Target }));

        Assert.Multiple(() =>
        {
            Assert.That(failed.ExitCode, Is.EqualTo(ExitCodes.RuntimeError), failed.Error);
            Assert.That(failed.Status, Is.EqualTo(RunStatus.Failed));
            Assert.That(failed.Error, Does.Contain("No space left on device"));
            Assert.That(Directory.GetDirectories(Target).Select(Path.GetFileName), Is.EqualTo(new[] { goodId }),
                "neither a half-written backup folder nor a staging folder is left, and the good backup was not pruned");
            Assert.That(disk.FreeBytes, Is.GreaterThanOrEqualTo(dumpSize / 2 - 8192), "the partial copy was removed");
            Assert.That(drill.GetProperty("backup_id").GetString(), Is.EqualTo(goodId));
            Assert.That(drill.GetProperty("ok").GetBoolean(), Is.True, drill.ToString());
        });
    }

    [Test]
    public async Task A_full_staging_disk_fails_pg_dump_publishes_nothing_and_leaves_no_partial_dump()
    {
        var staging = Path.Combine(Worker.ArtifactsRoot, "staging");
        await using var disk = await SmallDisk.MountAsync(staging, 64 * 1024);

        var result = await Worker.RunAsync("backup-create",
            new Dictionary<string, object?> { ["target"] = Target, ["work-dir"] = Path.Combine(staging, "run") });

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.RuntimeError), result.Error);
            Assert.That(result.Error, Does.Contain("No space left on device"));
            Assert.That(BackupsRows.BackupIdsAt(Target), Is.Empty, "nothing was published");
            Assert.That(Directory.GetFileSystemEntries(staging), Is.Empty, "the partial dump is gone and the space is back");
        });
    }

    [Test]
    public async Task Keep_counts_only_backups_that_verify_so_broken_newest_ones_never_prune_the_last_good_one()
    {
        var ids = await NightlyBackupsAsync(3);
        TruncateDump(ids[2]);
        FlipOneByte(ids[1]);

        var first = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-create",
            new Dictionary<string, object?> { ["target"] = Target, ["keep"] = "2" }));
        var afterFirst = BackupsRows.BackupIdsAt(Target);
        Clock.Advance(TimeSpan.FromDays(1));
        var second = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-create",
            new Dictionary<string, object?> { ["target"] = Target, ["keep"] = "2" }));

        var firstId = first.GetProperty("backup_id").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(afterFirst, Is.EqualTo(new[] { ids[0], ids[1], ids[2], firstId }),
                "two backups verify (the oldest and the new one): nothing may go");
            Assert.That(first.GetProperty("pruned")[0].GetProperty("backup_ids").GetArrayLength(), Is.Zero);
            Assert.That(first.GetProperty("pruned")[0].GetProperty("corrupt_backup_ids").EnumerateArray().Select(e => e.GetString()),
                Is.EqualTo(new[] { ids[2], ids[1] }));
            Assert.That(BackupsRows.BackupIdsAt(Target), Is.EqualTo(new[] { firstId, second.GetProperty("backup_id").GetString() }),
                "with two good backups newer, the broken ones and the old good one go");
        });
    }

    [Test]
    public async Task The_drill_restores_the_newest_backup_that_verifies_and_reports_the_broken_ones_it_passed_over()
    {
        var ids = await NightlyBackupsAsync(3, TimeSpan.FromHours(1));
        TruncateDump(ids[2]);
        File.WriteAllText(Path.Combine(Target, ids[1], "backup_manifest.json"), "{ \"backup_id\": ");

        var drill = await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = Target, ["strict"] = null });

        var summary = WorkerHarness.SummaryJson(drill);
        var skipped = summary.GetProperty("skipped_backups").EnumerateArray().ToList();
        var steps = await Db.ScalarAsync<string>("SELECT string_agg(name || ':' || status, ',' ORDER BY seq) FROM worker.job_run_steps WHERE run_id = $1", drill.RunId);
        Assert.Multiple(() =>
        {
            Assert.That(drill.ExitCode, Is.EqualTo(ExitCodes.Ok), drill.Error + summary);
            Assert.That(summary.GetProperty("backup_id").GetString(), Is.EqualTo(ids[0]));
            Assert.That(summary.GetProperty("checksum_ok").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("counts_match").GetBoolean(), Is.True);
            Assert.That(skipped.Select(s => s.GetProperty("backup_id").GetString()), Is.EqualTo(new[] { ids[2], ids[1] }));
            Assert.That(skipped[0].GetProperty("reason").GetString(), Does.StartWith("checksum_mismatch: database.dump has sha256 (not read)"));
            Assert.That(skipped[1].GetProperty("reason").GetString(), Does.StartWith("manifest_unreadable:"));
            Assert.That(steps, Is.EqualTo("fetch:succeeded,verify:failed,fetch:succeeded,verify:succeeded,restore:succeeded,compare:succeeded,drop:succeeded"));
        });
    }

    [Test]
    public async Task When_no_backup_verifies_the_drill_restores_nothing_and_lists_every_one()
    {
        var ids = await NightlyBackupsAsync(2, TimeSpan.FromHours(1));
        TruncateDump(ids[1]);
        FlipOneByte(ids[0]);

        var drill = await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = Target, ["strict"] = null });

        var summary = WorkerHarness.SummaryJson(drill);
        var actions = await Db.ScalarAsync<string>("SELECT planned_actions::text FROM worker.job_runs WHERE run_id = $1", drill.RunId);
        Assert.Multiple(() =>
        {
            Assert.That(drill.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(summary.GetProperty("checksum_ok").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("restored").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(summary.GetProperty("backup_id").GetString(), Is.EqualTo(ids[1]), "the newest is the one reported");
            Assert.That(summary.GetProperty("skipped_backups").EnumerateArray().Select(s => s.GetProperty("backup_id").GetString()), Is.EqualTo(new[] { ids[0] }));
            Assert.That(summary.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()), Has.Some.StartsWith("no_verified_backup: none of the 2 backups"));
            Assert.That(actions, Does.Not.Contain("create_database"));
        });
        Assert.That(await Db.ScratchDatabasesAsync(), Is.Empty);
    }

    private async Task<List<string>> NightlyBackupsAsync(int count, TimeSpan? apart = null)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await CreateBackupAsync()).GetProperty("backup_id").GetString()!);
            Clock.Advance(apart ?? TimeSpan.FromDays(1));
        }
        return ids;
    }

    /// <summary>What a full disk leaves: the first half of the dump, the manifest untouched.</summary>
    private void TruncateDump(string backupId)
    {
        var dump = Path.Combine(Target, backupId, "database.dump");
        File.WriteAllBytes(dump, File.ReadAllBytes(dump)[..(int)(new FileInfo(dump).Length / 2)]);
    }

    private void FlipOneByte(string backupId)
    {
        var dump = Path.Combine(Target, backupId, "database.dump");
        var bytes = File.ReadAllBytes(dump);
        bytes[bytes.Length / 3] ^= 0x01;
        File.WriteAllBytes(dump, bytes);
    }
}
