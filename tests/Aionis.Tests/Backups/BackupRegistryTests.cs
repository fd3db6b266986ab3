using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.Backups;

/// <summary>The proposed registry tasks, run by the real binary with <c>aionis run</c>: a backup, then a drill whose numbers land in history.</summary>
public sealed class BackupRegistryTests
{
    [Test]
    public async Task The_nightly_backup_and_weekly_drill_tasks_run_from_the_registry_and_record_rto_and_rpo()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.AddBackupWorthyRowsAsync(DateTimeOffset.UtcNow);
        var artifacts = Directory.CreateTempSubdirectory("aionis-backup-registry-").FullName;
        var registry = Path.Combine(artifacts, "task_registry.yml");
        await File.WriteAllTextAsync(registry, """
            version: 1
            tasks:
              - id: database_backup_nightly
                job: backup-create
                description: Nightly pg_dump with a manifest
                owner: ops
                schedule: "30 2 * * *"
                permissions: [run:pg_dump, upload:object_storage]
                inputs:
                  target: [backups/local]
                  keep: 14
              - id: database_restore_drill_weekly
                job: backup-drill
                description: Weekly restore drill
                owner: ops
                schedule: "0 5 * * 0"
                permissions: [write:scratch_database]
                inputs:
                  source: backups/local
                  strict: true
            """);
        var env = AionisCli.EnvFor(db, artifacts);

        var backup = await AionisCli.RunAsync(["run", "database_backup_nightly", "--registry", registry], env, workingDirectory: artifacts);
        var drill = await AionisCli.RunAsync(["run", "database_restore_drill_weekly", "--registry", registry], env, workingDirectory: artifacts);

        var row = (await db.RowsAsync("""
            SELECT status, ok, (summary->>'rto_seconds')::float8 AS rto, (summary->>'rpo_seconds')::float8 AS rpo
              FROM worker.job_runs WHERE task_id = 'database_restore_drill_weekly'
            """)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(backup.ExitCode, Is.EqualTo(0), backup.Stderr);
            Assert.That(drill.ExitCode, Is.EqualTo(0), drill.Stdout + drill.Stderr);
            Assert.That(JsonDocument.Parse(drill.Stdout).RootElement.GetProperty("ok").GetBoolean(), Is.True);
            Assert.That(row["status"], Is.EqualTo("succeeded"));
            Assert.That(row["ok"], Is.True);
            Assert.That(row["rto"], Is.GreaterThan(0.0));
            Assert.That(row["rpo"], Is.GreaterThanOrEqualTo(0.0).And.LessThan(600.0));
        });
        Directory.Delete(artifacts, recursive: true);
    }
}
