using Aionis.Data;
using Aionis.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Aionis.Tests.Data;

/// <summary><c>aionis db migrate</c> on a new database, and <c>serve</c>'s refusal to run on a schema that is behind.</summary>
public sealed class SchemaMigrationTests : BinaryTest
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreateUnmigratedAsync();

    [Test]
    public void The_migration_list_serve_checks_is_EF_Cores_own()
    {
        using var context = new WorkerDbContext(WorkerDbContext.CreateOptions("Host=unused"));

        Assert.That(WorkerMigrations.All, Is.EqualTo(context.Database.GetMigrations().ToList()));
    }

    [Test]
    public async Task Migrate_applies_each_migration_once_and_then_reports_up_to_date()
    {
        var migrator = new DatabaseMigrator(Db.ConnectionString);
        Assert.That(await migrator.PendingAsync(), Is.EqualTo(WorkerMigrations.All));

        var first = await AionisCli.RunAsync(["db", "migrate"], AionisCli.EnvFor(Db, Dir));
        var second = await AionisCli.RunAsync(["db", "migrate"], AionisCli.EnvFor(Db, Dir));

        Assert.Multiple(async () =>
        {
            Assert.That(first.ExitCode, Is.EqualTo(0), first.Stderr);
            Assert.That(first.Stderr, Does.Contain("applied " + string.Join(", ", WorkerMigrations.All)));
            Assert.That(second.ExitCode, Is.EqualTo(0), second.Stderr);
            Assert.That(second.Stderr, Does.Contain("worker schema up to date"));
            Assert.That(await migrator.PendingAsync(), Is.Empty);
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.ef_migrations_history"), Is.EqualTo(WorkerMigrations.All.Count));
        });
    }

    [Test]
    public async Task Serve_on_a_schema_behind_the_worker_exits_64_and_names_the_pending_migration()
    {
        await new DatabaseMigrator(Db.ConnectionString).MigrateAsync(controlPlane: false);
        var latest = WorkerMigrations.All[^1];
        await Db.ExecuteAsync("DELETE FROM worker.ef_migrations_history WHERE \"MigrationId\" = $1", latest);
        await File.WriteAllTextAsync(RegistryPath, "version: 1\ntasks: []\n");

        var serve = await AionisCli.RunAsync(["serve", "--registry", RegistryPath], AionisCli.EnvFor(Db, Dir));

        Assert.Multiple(() =>
        {
            Assert.That(serve.ExitCode, Is.EqualTo(64), serve.Stderr);
            Assert.That(serve.Stderr, Does.Contain($"{latest} pending"));
            Assert.That(serve.Stderr, Does.Contain("aionis db migrate"));
        });
    }
}
