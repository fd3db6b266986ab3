using System.Runtime.Versioning;
using System.Text;
using Aionis.Jobs.Backups;
using Aionis.Tests.Support;
using Microsoft.Extensions.Options;

namespace Aionis.Tests.Backups;

/// <summary>
/// The database password reaches pg_dump and pg_restore and nothing else: no command line, log, summary, history row or file.
/// Alone: one test sets PGPASSWORD for the whole process, another edits the shared cluster's pg_hba.conf.
/// </summary>
[NonParallelizable]
public sealed class BackupPasswordTests
{
    [Test]
    public async Task Backup_and_drill_through_the_binary_with_password_auth_leave_no_password_behind()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.AddBackupWorthyRowsAsync(DateTimeOffset.UtcNow);
        await using var auth = await BackupsPasswordAuth.CreateAsync("aionis_backup_pw");
        var artifacts = Directory.CreateTempSubdirectory("aionis-backup-pw-").FullName;
        var childTemp = Directory.CreateDirectory(Path.Combine(artifacts, "tmp")).FullName;
        var target = Path.Combine(artifacts, "offsite");
        var env = AionisCli.EnvFor(db, artifacts);
        env["ConnectionStrings__Aionis"] = auth.ConnectionStringFor(db);
        env["TMPDIR"] = childTemp;

        var create = await AionisCli.RunAsync(["job", "backup-create", "--target", target], env);
        var drill = await AionisCli.RunAsync(["job", "backup-drill", "--source", target, "--strict"], env);
        env["ConnectionStrings__Aionis"] = auth.ConnectionStringFor(db, password: "wrong-" + auth.Password);
        var refused = await AionisCli.RunAsync(["job", "backup-create", "--target", target], env);

        var history = await db.ScalarAsync<string>("SELECT string_agg(r::text, '\n') FROM worker.job_runs r");
        var steps = await db.ScalarAsync<string>("SELECT coalesce(string_agg(s::text, '\n'), '') FROM worker.job_run_steps s");
        var files = Directory.GetFiles(artifacts, "*", SearchOption.AllDirectories);
        Assert.Multiple(() =>
        {
            Assert.That(create.ExitCode, Is.EqualTo(0), create.Stderr);
            Assert.That(drill.ExitCode, Is.EqualTo(0), drill.Stdout + drill.Stderr);
            Assert.That(refused.ExitCode, Is.Not.EqualTo(0), "the server really demands the password");
            Assert.That(create.Stdout + create.Stderr + drill.Stdout + drill.Stderr + refused.Stdout + refused.Stderr, Does.Not.Contain(auth.Password));
            Assert.That(history, Does.Contain("backup-drill").And.Not.Contain(auth.Password));
            Assert.That(steps, Does.Not.Contain(auth.Password));
            Assert.That(files.Where(f => Encoding.UTF8.GetString(File.ReadAllBytes(f)).Contains(auth.Password)), Is.Empty);
            Assert.That(Directory.GetFiles(childTemp, "aionis-pgpass-*"), Is.Empty, "password files are deleted after each child");
        });
        Directory.Delete(artifacts, recursive: true);
    }

    [Test]
    public void The_pg_dump_command_line_and_environment_hold_no_password()
    {
        var client = new PgClient(Options.Create(new BackupSettings()));
        const string password = "s3cret-in-the-connection-string";
        Environment.SetEnvironmentVariable("PGPASSWORD", "inherited-" + password);
        try
        {
            var info = client.StartInfo("pg_dump", $"Host=db.internal;Port=6432;Username=backup;Password={password};Database=aionis;SSL Mode=Require",
                ["--format=custom", "--file=/tmp/x.dump"], passFile: "/tmp/aionis-pgpass-x");

            Assert.Multiple(() =>
            {
                Assert.That(info.ArgumentList, Has.None.Contains(password));
                Assert.That(info.Environment.Values, Has.None.Contains(password));
                Assert.That(info.Environment.ContainsKey("PGPASSWORD"), Is.False, "an inherited PGPASSWORD is not passed on");
                Assert.That(info.Environment["PGPASSFILE"], Is.EqualTo("/tmp/aionis-pgpass-x"));
                Assert.That(info.Environment["PGHOST"], Is.EqualTo("db.internal"));
                Assert.That(info.Environment["PGPORT"], Is.EqualTo("6432"));
                Assert.That(info.Environment["PGSSLMODE"], Is.EqualTo("require"));
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable("PGPASSWORD", null);
        }
    }

    [Test]
    [SupportedOSPlatform("linux")]
    public void A_password_file_is_private_to_its_owner_and_gone_after_use()
    {
        string path;
        using (var file = PgPassFile.Create(@"p:a\ss"))
        {
            path = file.Path;
            Assert.Multiple(() =>
            {
                Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
                Assert.That(File.ReadAllText(path), Is.EqualTo(@"*:*:*:*:p\:a\\ss" + "\n"));
            });
        }
        Assert.That(File.Exists(path), Is.False);
    }
}
