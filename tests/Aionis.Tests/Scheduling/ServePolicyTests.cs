using Aionis.Tests.Support;
using Npgsql;

namespace Aionis.Tests.Scheduling;

/// <summary>Contract §4 through a running daemon: timeout, persisted retries with attempts, and overlap: skip.</summary>
public sealed class ServePolicyTests
{
    private TestDatabase _db = null!;
    private string _dir = null!;
    private NpgsqlConnection _blocker = null!;
    private NpgsqlTransaction _lock = null!;

    [SetUp]
    public async Task SetUp()
    {
        _db = await TestDatabase.CreateAsync();
        _dir = Directory.CreateTempSubdirectory("aionis-policy-").FullName;
        // Runs of hosted-key-rotation-sla block on this lock until it is released: a reliably long (or hung) job.
        _blocker = new NpgsqlConnection(_db.ConnectionString);
        await _blocker.OpenAsync();
        _lock = await _blocker.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("LOCK TABLE control_api_keys IN ACCESS EXCLUSIVE MODE", _blocker, _lock);
        await command.ExecuteNonQueryAsync();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _blocker.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<string> RegistryAsync(string schedule, string policy)
    {
        var path = Path.Combine(_dir, "task_registry.yml");
        await File.WriteAllTextAsync(path, $"""
            version: 1
            tasks:
              - id: key_rotation_sla
                job: hosted-key-rotation-sla
                owner: security-ops
                description: Stale keys
                schedule: "{schedule}"
                permissions: [read:control_plane]
            {policy}
            """);
        return path;
    }

    [Test]
    public async Task A_timed_out_run_is_retried_with_backoff_and_each_attempt_is_recorded()
    {
        var registry = await RegistryAsync("0 6 * * *", "    timeout: 1s\n    retry: { max_attempts: 3, backoff: 1s, max_backoff: 2s }");
        await using var serve = ServeProcess.Start(_db, registry, "node-a", _dir);
        await serve.WaitUntilAsync(() => _db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)"), TimeSpan.FromSeconds(30), "the sync");

        await AionisCli.RunAsync(["run", "key_rotation_sla", "--enqueue", "--registry", registry], AionisCli.EnvFor(_db, _dir));
        await serve.WaitUntilAsync(async () => await _db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE status = 'timed_out'") == 3,
            TimeSpan.FromSeconds(60), "three timed-out attempts");
        await Task.Delay(TimeSpan.FromSeconds(4));

        var runs = await _db.RowsAsync("SELECT attempt, trigger, status, error FROM worker.job_runs ORDER BY started_at");
        Assert.Multiple(() =>
        {
            Assert.That(runs.Select(r => r["attempt"]), Is.EqualTo(new[] { 1, 2, 3 }), "no fourth attempt after max_attempts");
            Assert.That(runs.Select(r => r["trigger"]), Is.EqualTo(new[] { "enqueued", "retry", "retry" }));
            Assert.That(runs.Select(r => r["status"]), Is.All.EqualTo("timed_out"));
            Assert.That((string)runs[0]["error"]!, Does.Contain("timed out"));
        });
    }

    [Test]
    public async Task A_fire_that_finds_the_task_still_running_records_a_skipped_run()
    {
        var registry = await RegistryAsync("0/2 * * * * ?", "    overlap: skip\n    timeout: 1m");
        await using var serve = ServeProcess.Start(_db, registry, "node-a", _dir);

        await serve.WaitUntilAsync(async () => await _db.ScalarAsync<long>("SELECT count(*) FROM worker.job_runs WHERE status = 'skipped'") >= 2,
            TimeSpan.FromSeconds(45), "skipped fires");

        var rows = await _db.RowsAsync("SELECT status, error FROM worker.job_runs WHERE status IN ('running', 'skipped') ORDER BY started_at");
        Assert.Multiple(() =>
        {
            Assert.That(rows.Count(r => (string)r["status"]! == "running"), Is.EqualTo(1), "only one run at a time");
            Assert.That((string)rows.First(r => (string)r["status"]! == "skipped")["error"]!, Does.Contain("overlap: skip"));
        });
    }
}
