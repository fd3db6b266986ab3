using Aionis.Data;
using Aionis.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Aionis.Tests.RunTrust;

/// <summary>20261201210000_RunTrust on a database that already has history, down again, and up again.</summary>
public sealed class RunTrustMigrationTests : BinaryTest
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreateUnmigratedAsync();

    [Test]
    public async Task The_migration_keeps_existing_rows_and_reverts_to_one_row_per_pause_and_alert()
    {
        await using var context = new WorkerDbContext(WorkerDbContext.CreateOptions(Db.ConnectionString));
        var migrator = context.GetService<IMigrator>();
        await migrator.MigrateAsync("20261123185852_OperatorAlerts");
        await Db.ExecuteAsync("INSERT INTO worker.task_pauses (task_id, paused_at, paused_by, reason) VALUES ('nightly', now(), 'ops@a', 'old pause')");
        await Db.ExecuteAsync("""
            INSERT INTO worker.operator_alerts (task_id, kind, dedup_key, severity, opened_at, occurrences)
            VALUES ('nightly', 'failure', 'aionis-worker:nightly:failure', 'warning', now(), 3)
            """);

        await migrator.MigrateAsync("20261201210000_RunTrust");
        var kept = await Db.ScalarAsync<string>("SELECT reason FROM worker.task_pauses WHERE resumed_at IS NULL");
        await Db.ExecuteAsync("UPDATE worker.task_pauses SET resumed_at = now(), resumed_by = 'ops@b'");
        await Db.ExecuteAsync("INSERT INTO worker.task_pauses (task_id, paused_at, paused_by, reason) VALUES ('nightly', now(), 'ops@c', 'new pause')");
        await Db.ExecuteAsync("UPDATE worker.operator_alerts SET resolved_at = now()");
        await Db.ExecuteAsync("""
            INSERT INTO worker.operator_alerts (task_id, kind, dedup_key, severity, opened_at, occurrences)
            VALUES ('nightly', 'failure', 'aionis-worker:nightly:failure', 'warning', now(), 1)
            """);

        await migrator.MigrateAsync("20261123185852_OperatorAlerts");
        var afterDown = (await Db.RowsAsync("SELECT reason FROM worker.task_pauses")).Select(r => r["reason"]).ToList();
        var alertsAfterDown = await Db.ScalarAsync<int>("SELECT occurrences FROM worker.operator_alerts");
        var viewColumns = await Db.ScalarAsync<long>("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'worker' AND table_name = 'task_status'");
        await migrator.MigrateAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(kept, Is.EqualTo("old pause"));
            Assert.That(afterDown, Is.EqualTo(new[] { "new pause" }), "the open pause stays");
            Assert.That(alertsAfterDown, Is.EqualTo(1), "the newest episode stays");
            Assert.That(viewColumns, Is.EqualTo(15L), "the views as they were before");
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'worker' AND table_name = 'task_status' AND column_name = 'last_dry_run_at'"),
                Is.EqualTo(1L));
        });
    }
}
