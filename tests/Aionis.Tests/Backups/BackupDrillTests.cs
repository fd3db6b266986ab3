using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aionis.Data.History;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Backups;

/// <summary>backup-create then backup-drill against the real server, real pg_dump and pg_restore, a local target.</summary>
public sealed class BackupDrillTests : BackupsFixture
{
    [Test]
    public async Task A_backup_restores_with_equal_counts_and_the_drill_records_rto_and_rpo()
    {
        var backup = await CreateBackupAsync();
        Clock.Advance(TimeSpan.FromHours(6));

        var drill = await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = "file://" + Target, ["strict"] = null });

        var summary = WorkerHarness.SummaryJson(drill);
        var row = (await Db.RowsAsync("""
            SELECT status, exit_code, (summary->>'rto_seconds')::float8 AS rto, (summary->>'rpo_seconds')::float8 AS rpo,
                   (SELECT string_agg(name || ':' || status, ',' ORDER BY seq) FROM worker.job_run_steps s WHERE s.run_id = r.run_id) AS steps
              FROM worker.job_runs r WHERE run_id = $1
            """, drill.RunId)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(drill.ExitCode, Is.EqualTo(ExitCodes.Ok), drill.Error);
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.True, summary.ToString());
            Assert.That(summary.GetProperty("backup_id").GetString(), Is.EqualTo(backup.GetProperty("backup_id").GetString()));
            Assert.That(summary.GetProperty("checksum_ok").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("counts_match").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("mismatches").GetArrayLength(), Is.Zero);
            Assert.That(summary.GetProperty("total_rows").GetInt64(), Is.EqualTo(backup.GetProperty("total_rows").GetInt64()));
            Assert.That(summary.GetProperty("rpo_seconds").GetDouble(), Is.EqualTo(6 * 3600));
            Assert.That(summary.GetProperty("rto_seconds").GetDouble(), Is.GreaterThan(0).And.LessThan(3600));
            Assert.That(summary.GetProperty("rto_target_seconds").GetInt32(), Is.EqualTo(3600));
            Assert.That(summary.GetProperty("rpo_target_seconds").GetInt32(), Is.EqualTo(90000));
            Assert.That(row["status"], Is.EqualTo(RunStatus.Succeeded));
            Assert.That(row["rpo"], Is.EqualTo(6 * 3600.0), "the numbers are in worker.job_runs");
            Assert.That(row["rto"], Is.GreaterThan(0.0));
            Assert.That(row["steps"], Is.EqualTo("fetch:succeeded,verify:succeeded,restore:succeeded,compare:succeeded,drop:succeeded"));
        });
        Assert.That(await Db.ScratchDatabasesAsync(), Is.Empty, "the scratch database is dropped after a successful drill");
    }

    [Test]
    public async Task The_backup_folder_holds_the_dump_and_a_manifest_with_its_checksum_and_snapshot_counts()
    {
        var backup = await CreateBackupAsync();

        var folder = Path.Combine(Target, backup.GetProperty("backup_id").GetString()!);
        var manifest = BackupsRows.ReadManifest(folder);
        var dump = Path.Combine(folder, (string)manifest["dump_file"]!);
        var tables = manifest["tables"]!.AsArray().ToDictionary(t => $"{t!["schema"]}.{t["table"]}", t => (long)t!["rows"]!);
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(dump).AsSpan(0, 5).ToArray(), Is.EqualTo("PGDMP"u8.ToArray()), "pg_dump custom format");
            Assert.That((string)manifest["dump_sha256"]!, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dump)))));
            Assert.That((long)manifest["dump_size_bytes"]!, Is.EqualTo(new FileInfo(dump).Length));
            Assert.That((string)manifest["database"]!, Is.EqualTo(Db.Name));
            Assert.That((string)manifest["server_version"]!, Does.StartWith("15"));
            Assert.That(tables["public.control_tenants"], Is.EqualTo(3));
            Assert.That(tables["public.memory_request_telemetry"], Is.EqualTo(150));
            Assert.That(tables, Does.ContainKey("worker.job_runs"));
            Assert.That(backup.GetProperty("published")[0].GetProperty("attestation").GetProperty("provider").GetString(), Is.EqualTo("local_fs"));
            Assert.That(Directory.GetFiles(Worker.ArtifactsRoot, "*.dump", SearchOption.AllDirectories), Is.EqualTo(new[] { dump }),
                "the local staging copy is removed after publishing");
        });
    }

    [Test]
    public async Task A_dump_with_one_byte_changed_fails_on_the_checksum_before_anything_is_restored()
    {
        var backup = await CreateBackupAsync();
        var dump = Path.Combine(Target, backup.GetProperty("backup_id").GetString()!, "database.dump");
        var bytes = File.ReadAllBytes(dump);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(dump, bytes);

        var drill = await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = Target, ["strict"] = null });

        var summary = WorkerHarness.SummaryJson(drill);
        var actions = await Db.ScalarAsync<string>("SELECT planned_actions::text FROM worker.job_runs WHERE run_id = $1", drill.RunId);
        Assert.Multiple(() =>
        {
            Assert.That(drill.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(drill.Status, Is.EqualTo(RunStatus.GateFailed));
            Assert.That(summary.GetProperty("checksum_ok").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("restored").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(summary.GetProperty("rto_seconds").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(summary.GetProperty("reasons")[0].GetString(), Does.StartWith("checksum_mismatch: database.dump"));
            Assert.That(actions, Does.Not.Contain("create_database"), "no scratch database was created");
        });
    }

    [Test]
    public async Task A_manifest_whose_counts_disagree_with_the_dump_names_the_table()
    {
        var backup = await CreateBackupAsync();
        var folder = Path.Combine(Target, backup.GetProperty("backup_id").GetString()!);
        var manifest = BackupsRows.ReadManifest(folder);
        var tenants = manifest["tables"]!.AsArray().Single(t => (string)t!["table"]! == "control_tenants")!;
        tenants["rows"] = 4;
        BackupsRows.WriteManifest(folder, manifest);

        var drill = await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = Target });

        var summary = WorkerHarness.SummaryJson(drill);
        var mismatch = summary.GetProperty("mismatches").EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(drill.ExitCode, Is.EqualTo(ExitCodes.Ok), "without --strict a failed drill still exits 0");
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("restored").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("counts_match").GetBoolean(), Is.False);
            Assert.That(mismatch.GetProperty("table").GetString(), Is.EqualTo("public.control_tenants"));
            Assert.That(mismatch.GetProperty("expected").GetInt64(), Is.EqualTo(4));
            Assert.That(mismatch.GetProperty("restored").GetInt64(), Is.EqualTo(3));
            Assert.That(summary.GetProperty("reasons")[0].GetString(), Does.Contain("public.control_tenants"));
        });
        Assert.That(await Db.ScratchDatabasesAsync(), Is.Empty);
    }

    [Test]
    public async Task A_restore_that_fails_still_drops_the_scratch_database()
    {
        var backup = await CreateBackupAsync();
        var folder = Path.Combine(Target, backup.GetProperty("backup_id").GetString()!);
        var dump = Path.Combine(folder, "database.dump");
        var truncated = File.ReadAllBytes(dump)[..(int)(new FileInfo(dump).Length * 2 / 3)];
        File.WriteAllBytes(dump, truncated);
        var manifest = BackupsRows.ReadManifest(folder);
        manifest["dump_sha256"] = Convert.ToHexStringLower(SHA256.HashData(truncated));
        manifest["dump_size_bytes"] = truncated.Length;
        BackupsRows.WriteManifest(folder, manifest);

        var drill = await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = Target, ["strict"] = null });

        var summary = WorkerHarness.SummaryJson(drill);
        var steps = await Db.ScalarAsync<string>("SELECT string_agg(name || ':' || status, ',' ORDER BY seq) FROM worker.job_run_steps WHERE run_id = $1", drill.RunId);
        Assert.Multiple(() =>
        {
            Assert.That(drill.ExitCode, Is.EqualTo(ExitCodes.GateFailed), drill.Error);
            Assert.That(summary.GetProperty("checksum_ok").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("restored").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("reasons")[0].GetString(), Does.StartWith("restore_failed: pg_restore exited"));
            Assert.That(summary.GetProperty("scratch_dropped").GetBoolean(), Is.True);
            Assert.That(steps, Does.EndWith("restore:failed,drop:succeeded"));
        });
        Assert.That(await Db.ScratchDatabasesAsync(), Is.Empty, "the scratch database is dropped after a failed restore");
    }

    [Test]
    public async Task A_backup_older_than_the_rpo_target_is_not_ok_and_says_why()
    {
        await CreateBackupAsync();
        Clock.Advance(TimeSpan.FromDays(2));

        var drill = await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = Target, ["strict"] = null });

        var summary = WorkerHarness.SummaryJson(drill);
        Assert.Multiple(() =>
        {
            Assert.That(drill.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("counts_match").GetBoolean(), Is.True, "the restore itself is fine");
            Assert.That(summary.GetProperty("rpo_ok").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("rpo_seconds").GetDouble(), Is.EqualTo(172800));
            Assert.That(summary.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()),
                Has.One.StartsWith("rpo_exceeded: backup ").And.Contains("172800s old at drill time, target 90000s"));
        });
    }

    [Test]
    public async Task The_drill_takes_the_newest_backup_unless_one_is_named()
    {
        var first = (await CreateBackupAsync()).GetProperty("backup_id").GetString();
        Clock.Advance(TimeSpan.FromHours(24));
        var second = (await CreateBackupAsync()).GetProperty("backup_id").GetString();

        var newest = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = Target }));
        var named = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = Target, ["backup"] = first }));

        Assert.Multiple(() =>
        {
            Assert.That(newest.GetProperty("backup_id").GetString(), Is.EqualTo(second));
            Assert.That(named.GetProperty("backup_id").GetString(), Is.EqualTo(first));
            Assert.That(named.GetProperty("rpo_seconds").GetDouble(), Is.EqualTo(86400));
        });
    }

    [Test]
    public async Task Copies_in_s3_and_azure_are_read_back_through_the_publishers_and_both_drill_ok()
    {
        var s3 = $"s3://{await PublishingTargets.NewS3BucketAsync()}/db";
        var azure = $"az://{await PublishingTargets.NewAzureContainerAsync()}/db";

        var created = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-create",
            new Dictionary<string, object?> { ["target"] = new[] { s3, azure }, ["keep"] = "1" }));
        var backupId = created.GetProperty("backup_id").GetString();
        var fromS3 = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = s3 }));
        var fromAzure = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = azure }));

        Assert.Multiple(() =>
        {
            Assert.That(created.GetProperty("published").EnumerateArray().Select(p => p.GetProperty("attestation").GetProperty("provider").GetString()),
                Is.EqualTo(new[] { "s3", "azure_blob" }));
            Assert.That(created.GetProperty("published")[0].GetProperty("published_uri").GetString(), Is.EqualTo($"{s3}/{backupId}"));
            Assert.That(created.GetProperty("pruned").GetArrayLength(), Is.Zero, "object stores keep their own lifecycle rules");
            Assert.That(fromS3.GetProperty("ok").GetBoolean(), Is.True, fromS3.ToString());
            Assert.That(fromS3.GetProperty("backup_id").GetString(), Is.EqualTo(backupId));
            Assert.That(fromS3.GetProperty("backup_uri").GetString(), Is.EqualTo($"{s3}/{backupId}"));
            Assert.That(fromAzure.GetProperty("ok").GetBoolean(), Is.True, fromAzure.ToString());
            Assert.That(fromAzure.GetProperty("counts_match").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task A_dry_run_drill_says_what_it_would_restore_and_where_and_touches_nothing()
    {
        var backup = await CreateBackupAsync();
        var listing = Directory.GetFiles(Target, "*", SearchOption.AllDirectories).Order().ToList();

        var drill = await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = Target }, dryRun: true);

        var summary = WorkerHarness.SummaryJson(drill);
        var actions = JsonNode.Parse(await Db.ScalarAsync<string>("SELECT planned_actions::text FROM worker.job_runs WHERE run_id = $1", drill.RunId))!.AsArray();
        var steps = await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_run_steps WHERE run_id = $1", drill.RunId);
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("backup_id").GetString(), Is.EqualTo(backup.GetProperty("backup_id").GetString()));
            Assert.That(summary.GetProperty("scratch_database").GetString(), Does.StartWith("aionis_drill_"));
            Assert.That(summary.GetProperty("restored").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(actions.Select(a => (string)a!["action"]!), Is.EqualTo(new[] { "download", "create_database", "pg_restore", "drop_database" }));
            Assert.That(Directory.GetFiles(Target, "*", SearchOption.AllDirectories).Order().ToList(), Is.EqualTo(listing));
            Assert.That(steps, Is.Zero);
        });
    }
}
