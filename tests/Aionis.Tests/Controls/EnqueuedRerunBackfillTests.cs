using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.Controls;

/// <summary>
/// <c>rerun --enqueue</c> and <c>backfill --enqueue</c> handed to a real <c>serve</c> node: the node's rows keep the
/// original's inputs in their shape (a list stays a list) and name the operator who asked, as in-process runs do.
/// </summary>
public sealed class EnqueuedRerunBackfillTests : BinaryTest
{
    private static readonly DateTimeOffset Today = new(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero);

    private Task<CliResult> CliAsync(params string[] args) => AionisCli.RunAsync(args, AionisCli.EnvFor(Db, Path.Combine(Dir, "cli")), Path.Combine(Dir, "cli"));

    private async Task<ServeProcess> StartNodeAsync()
    {
        await File.WriteAllTextAsync(RegistryPath, KeyRotationRegistry.Yaml("0 6 * * *") + """
              - id: database_backup
                job: backup-create
                description: pg_dump to two folders
                owner: ops
                schedule: "30 2 * * *"
                permissions: [run:pg_dump, upload:object_storage]
                inputs:
                  target: [backups/a, backups/b]

            """);
        var node = ServeProcess.Start(Db, RegistryPath, "node-a", Path.Combine(Dir, "node-a"));
        await node.WaitUntilAsync(async () => await Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)")
            && await Db.ScalarAsync<long>("SELECT count(*) FROM worker.nodes WHERE stopped_at IS NULL") == 1, TimeSpan.FromSeconds(60), "the node to start");
        return node;
    }

    [Test]
    public async Task An_enqueued_rerun_keeps_a_list_input_a_list()
    {
        await using var node = await StartNodeAsync();
        var original = await CliAsync("run", "database_backup", "--registry", RegistryPath, "--json");
        Assert.That(original.ExitCode, Is.EqualTo(0), original.Stderr);
        var originalId = JsonDocument.Parse(original.Stdout).RootElement.GetProperty("run_id").GetGuid();

        var rerun = await CliAsync("rerun", originalId.ToString(), "--enqueue");
        var rows = await Db.RowsAsync("SELECT run_id, inputs::text AS inputs, node, status, triggered_by FROM worker.job_runs ORDER BY started_at");
        var copy = rows.Last();

        Assert.Multiple(() =>
        {
            Assert.That(rerun.ExitCode, Is.EqualTo(0), rerun.Stderr + rerun.Stdout);
            Assert.That(rows, Has.Count.EqualTo(2));
            Assert.That(copy["node"], Is.EqualTo("node-a"), "the node ran the rerun");
            Assert.That(copy["status"], Is.EqualTo("succeeded"));
            Assert.That(copy["triggered_by"], Is.EqualTo($"rerun:{originalId}"));
            Assert.That(copy["inputs"], Is.EqualTo(rows[0]["inputs"]));
            Assert.That(JsonDocument.Parse((string)copy["inputs"]!).RootElement.GetProperty("target").EnumerateArray().Select(t => t.GetString()),
                Is.EqualTo(new[] { "backups/a", "backups/b" }), "two targets, not one named 'backups/a,backups/b'");
            Assert.That(Directory.GetDirectories(Path.Combine(Dir, "node-a", "backups", "b")), Has.Length.EqualTo(1), "the copy published to both targets");
        });
    }

    [Test]
    public async Task An_enqueued_backfill_records_who_started_it_in_each_run_as_an_in_process_one_does()
    {
        await using var node = await StartNodeAsync();
        var from = Today.AddDays(-2);
        var enqueued = await CliAsync("backfill", KeyRotationRegistry.TaskId, "--from", from.ToString("O"), "--to", Today.AddDays(-1).AddHours(7).ToString("O"), "--enqueue");
        var here = await CliAsync("backfill", KeyRotationRegistry.TaskId, "--from", Today.AddDays(-3).ToString("O"), "--to", Today.AddDays(-3).AddHours(7).ToString("O"));
        var rows = await Db.RowsAsync("""
            SELECT r.node, r.triggered_by, r.status,
                   (SELECT l.message FROM worker.job_run_logs l WHERE l.run_id = r.run_id AND l.message LIKE '%requested by%' ORDER BY l.seq LIMIT 1) AS requested
              FROM worker.job_runs r ORDER BY r.scheduled_for
            """);

        Assert.Multiple(() =>
        {
            Assert.That(enqueued.ExitCode, Is.EqualTo(0), enqueued.Stderr);
            Assert.That(here.ExitCode, Is.EqualTo(0), here.Stderr);
            Assert.That(rows.Select(r => r["node"]), Is.EqualTo(new[] { "cli-test", "node-a", "node-a" }), "one in this process, two on the node");
            Assert.That(rows.Select(r => r["triggered_by"]).Distinct(), Is.EqualTo(new[] { "backfill" }));
            Assert.That(rows.Select(r => r["status"]).Distinct(), Is.EqualTo(new[] { "succeeded" }));
            foreach (var row in rows)
            {
                Assert.That((string?)row["requested"], Does.StartWith($"backfill of {KeyRotationRegistry.TaskId} as of ").And.Contain(", requested by cli:"),
                    $"the run on {row["node"]} names the operator");
            }
        });
    }
}
