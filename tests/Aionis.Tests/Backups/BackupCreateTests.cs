using System.Text.Json;
using System.Text.Json.Nodes;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Backups;

/// <summary>backup-create's choices: dry run, --keep, table selection, copies at several targets, bad options.</summary>
public sealed class BackupCreateTests : BackupsFixture
{
    [Test]
    public async Task A_dry_run_lists_tables_counts_and_target_paths_and_writes_no_dump()
    {
        var before = await Db.ControlPlaneFingerprintAsync();

        var result = await Worker.RunAsync("backup-create", new Dictionary<string, object?> { ["target"] = Target }, dryRun: true);

        var summary = WorkerHarness.SummaryJson(result);
        var backupId = summary.GetProperty("backup_id").GetString()!;
        var actions = JsonNode.Parse(await Db.ScalarAsync<string>("SELECT planned_actions::text FROM worker.job_runs WHERE run_id = $1", result.RunId))!.AsArray();
        var upload = actions.Single(a => (string)a!["action"]! == "upload")!;
        var after = await Db.ControlPlaneFingerprintAsync();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
            Assert.That(summary.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("dump_sha256").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(summary.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == "control_api_keys")
                .GetProperty("rows").GetInt64(), Is.EqualTo(3));
            Assert.That((string)upload["target"]!, Is.EqualTo(Path.Combine(Target, backupId)));
            Assert.That(Directory.Exists(Target), Is.False, "nothing uploaded");
            Assert.That(Directory.GetFiles(Worker.ArtifactsRoot, "*.dump", SearchOption.AllDirectories), Is.Empty, "no dump written");
            Assert.That(after, Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Keep_prunes_older_backups_at_a_local_target_and_a_dry_run_only_lists_them()
    {
        var ids = new List<string>();
        for (var night = 0; night < 3; night++)
        {
            ids.Add(WorkerHarness.SummaryJson(await Worker.RunAsync("backup-create",
                new Dictionary<string, object?> { ["target"] = Target })).GetProperty("backup_id").GetString()!);
            Clock.Advance(TimeSpan.FromDays(1));
        }

        var rehearsal = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-create",
            new Dictionary<string, object?> { ["target"] = Target, ["keep"] = "2" }, dryRun: true));
        var afterRehearsal = BackupsRows.BackupIdsAt(Target);
        var real = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-create",
            new Dictionary<string, object?> { ["target"] = Target, ["keep"] = "2" }));

        Assert.Multiple(() =>
        {
            Assert.That(rehearsal.GetProperty("pruned")[0].GetProperty("backup_ids").EnumerateArray().Select(e => e.GetString()),
                Is.EqualTo(ids.Take(2)));
            Assert.That(afterRehearsal, Is.EqualTo(ids), "a dry run deletes nothing");
            Assert.That(BackupsRows.BackupIdsAt(Target), Is.EqualTo(new[] { ids[2], real.GetProperty("backup_id").GetString() }));
        });
    }

    [Test]
    public async Task Exclude_table_leaves_telemetry_out_and_the_backup_still_drills_ok()
    {
        var created = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-create",
            new Dictionary<string, object?> { ["target"] = Target, ["exclude-table"] = "memory_request_telemetry,worker.qrtz_*" }));
        var drill = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = Target }));

        var tables = created.GetProperty("tables").EnumerateArray().Select(t => $"{t.GetProperty("schema")}.{t.GetProperty("table")}").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(tables, Does.Not.Contain("public.memory_request_telemetry"));
            Assert.That(tables, Has.None.StartsWith("worker.qrtz_"));
            Assert.That(tables, Does.Contain("public.control_api_keys"));
            Assert.That(drill.GetProperty("ok").GetBoolean(), Is.True, drill.ToString());
        });
    }

    [Test]
    public async Task Tables_backs_up_the_rows_of_matching_tables_only_and_the_drill_restores_them()
    {
        var created = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-create",
            new Dictionary<string, object?> { ["target"] = Target, ["tables"] = "public.control_*" }));
        var drill = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = Target }));

        Assert.Multiple(() =>
        {
            Assert.That(created.GetProperty("tables").EnumerateArray().Select(t => t.GetProperty("table").GetString()), Has.All.StartsWith("control_"));
            Assert.That(created.GetProperty("table_count").GetInt32(), Is.EqualTo(8));
            Assert.That(drill.GetProperty("ok").GetBoolean(), Is.True, drill.ToString());
            Assert.That(drill.GetProperty("total_rows").GetInt64(), Is.EqualTo(created.GetProperty("total_rows").GetInt64()));
            Assert.That(created.GetProperty("total_rows").GetInt64(), Is.EqualTo(9), "3 tenants, 3 keys, 3 rotation audit events");
        });
    }

    [Test]
    public async Task A_relative_target_is_a_folder_under_the_artifacts_root_for_the_backup_and_its_drill()
    {
        var created = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-create", new Dictionary<string, object?> { ["target"] = "offsite" }));
        var drill = WorkerHarness.SummaryJson(await Worker.RunAsync("backup-drill", new Dictionary<string, object?> { ["source"] = "offsite" }));

        var backupId = created.GetProperty("backup_id").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Path.Combine(Target, backupId, "database.dump")), "the dump is under Worker:ArtifactsRoot/offsite");
            Assert.That(Directory.Exists(Path.Combine(Environment.CurrentDirectory, "offsite")), Is.False, "not under the working directory");
            Assert.That(drill.GetProperty("backup_id").GetString(), Is.EqualTo(backupId));
            Assert.That(drill.GetProperty("ok").GetBoolean(), Is.True, drill.ToString());
        });
    }

    [Test]
    public async Task Repeated_targets_each_get_a_copy_under_the_backup_id()
    {
        var second = Path.Combine(Worker.ArtifactsRoot, "us-backups");

        var result = await Worker.RunAsync("backup-create", new Dictionary<string, object?> { ["target"] = new[] { Target, "file://" + second } });

        var summary = WorkerHarness.SummaryJson(result);
        var backupId = summary.GetProperty("backup_id").GetString()!;
        var artifacts = await Db.ScalarAsync<string>("SELECT artifacts::text FROM worker.job_runs WHERE run_id = $1", result.RunId);
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("published").EnumerateArray().Select(p => p.GetProperty("published_uri").GetString()),
                Is.EqualTo(new[] { Path.Combine(Target, backupId), Path.Combine(second, backupId) }));
            Assert.That(File.ReadAllBytes(Path.Combine(second, backupId, "database.dump")),
                Is.EqualTo(File.ReadAllBytes(Path.Combine(Target, backupId, "database.dump"))));
            Assert.That(artifacts, Does.Contain(Path.Combine(second, backupId)));
        });
    }

    [TestCase("tables", "no_such_table", "--tables 'no_such_table': matches no table of the database")]
    [TestCase("target", "ftp://host/backups", "--target 'ftp://host/***': publish target")]
    public async Task A_bad_selection_or_target_is_a_usage_error_naming_the_option(string option, string value, string expected)
    {
        var options = new Dictionary<string, object?> { ["target"] = Target, [option] = value };

        var error = await BindOrRunErrorAsync(options);

        Assert.That(error, Does.Contain(expected));
    }

    private async Task<string> BindOrRunErrorAsync(Dictionary<string, object?> options)
    {
        try
        {
            var result = await Worker.RunAsync("backup-create", options);
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
            return result.Error!;
        }
        catch (Aionis.Jobs.Framework.OptionBindingException e)
        {
            return e.Message;
        }
    }
}
