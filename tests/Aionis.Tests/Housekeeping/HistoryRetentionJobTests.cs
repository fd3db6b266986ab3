using Aionis.Tests.Support;

namespace Aionis.Tests.Housekeeping;

/// <summary>worker-history-retention: old runs go with their steps and artifact folders; newer and running rows stay.</summary>
public sealed class HistoryRetentionJobTests : DatabaseJobTest
{
    protected override DateTimeOffset Now => new(2026, 11, 20, 4, 0, 0, TimeSpan.Zero);

    private async Task<Guid> AddRunAsync(int daysAgo, string status = "succeeded", string? artifact = null)
    {
        var runId = Guid.NewGuid();
        var artifacts = artifact is null ? "{}" : System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["summary_json"] = artifact });
        await Db.ExecuteAsync("""
            INSERT INTO worker.job_runs (run_id, task_id, job, trigger, dry_run, status, started_at, node, attempt, inputs, artifacts)
            VALUES ($1, 'key_rotation_sla', 'hosted-key-rotation-sla', 'schedule', false, $2, $5 - make_interval(days => $3), 'n1', 1, '{}', $4::jsonb)
            """, runId, status, daysAgo, artifacts, Now);
        await Db.ExecuteAsync("INSERT INTO worker.job_run_steps (run_id, seq, name, status, started_at, detail) VALUES ($1, 1, 'step', 'succeeded', $2, '{}')", runId, Now);
        return runId;
    }

    private string ArtifactFolderOf(Guid runId)
    {
        var folder = Path.Combine(Worker.ArtifactsRoot, "hosted", $"bundle_{runId:N}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "summary.json"), "{}");
        return Path.Combine(folder, "summary.json");
    }

    [Test]
    public async Task Old_runs_their_steps_and_their_artifact_folders_are_deleted_in_batches()
    {
        var old = new List<Guid>();
        for (var i = 0; i < 7; i++) old.Add(await AddRunAsync(120 + i));
        var withFolder = await AddRunAsync(200);
        var artifact = ArtifactFolderOf(withFolder);
        await Db.ExecuteAsync("UPDATE worker.job_runs SET artifacts = jsonb_build_object('summary_json', $2::text) WHERE run_id = $1", withFolder, artifact);
        var recent = await AddRunAsync(10);
        var stillRunning = await AddRunAsync(150, status: "running");

        var result = await Worker.RunAsync("worker-history-retention", new Dictionary<string, object?> { ["older-than-days"] = "90", ["batch-limit"] = "3" });
        var summary = WorkerHarness.SummaryJson(result);

        var left = (await Db.RowsAsync("SELECT run_id FROM worker.job_runs WHERE task_id = 'key_rotation_sla'")).Select(r => (Guid)r["run_id"]!).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(summary.GetProperty("total_deleted").GetInt64(), Is.EqualTo(8));
            Assert.That(summary.GetProperty("passes").EnumerateArray().Select(p => p.GetProperty("deleted").GetInt32()), Is.EqualTo(new[] { 3, 3, 2 }));
            Assert.That(left, Is.EquivalentTo(new[] { recent, stillRunning }));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_run_steps WHERE run_id = ANY($1)", old.ToArray()), Is.EqualTo(0));
            Assert.That(Directory.Exists(Path.GetDirectoryName(artifact)), Is.False, "the pruned run's folder goes with it");
            Assert.That(summary.GetProperty("artifact_paths_deleted").GetInt32(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_dry_run_counts_what_would_go_and_deletes_nothing()
    {
        for (var i = 0; i < 4; i++) await AddRunAsync(100 + i);
        var before = await Db.FingerprintAsync("worker.job_run_steps");
        var countBefore = await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE task_id = 'key_rotation_sla'");

        var result = await Worker.RunAsync("worker-history-retention", dryRun: true);
        var summary = WorkerHarness.SummaryJson(result);

        Assert.Multiple(async () =>
        {
            Assert.That(summary.GetProperty("eligible_runs").GetInt64(), Is.EqualTo(4));
            Assert.That(summary.GetProperty("total_deleted").GetInt64(), Is.EqualTo(0));
            Assert.That(summary.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE task_id = 'key_rotation_sla'"), Is.EqualTo(countBefore));
            Assert.That(await Db.FingerprintAsync("worker.job_run_steps"), Is.EqualTo(before));
            var actions = await Db.ScalarAsync<string>("SELECT planned_actions::text FROM worker.job_runs WHERE run_id = $1", result.RunId);
            Assert.That(actions, Does.Contain("\"count\": 4"));
        });
    }
}
