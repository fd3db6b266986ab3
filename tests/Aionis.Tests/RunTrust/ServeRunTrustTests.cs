using Aionis.Tests.Support;

namespace Aionis.Tests.RunTrust;

/// <summary>
/// Through a real <c>serve</c>: a dry run holds no overlap lock and raises or resolves no operator alert; every line of a
/// run names it (console) and is kept with it (<c>worker.job_run_logs</c>); enqueued runs say who enqueued them.
/// </summary>
public sealed class ServeRunTrustTests : BinaryTest
{
    private const string TaskId = KeyRotationRegistry.TaskId;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private Dictionary<string, string?> Cli => AionisCli.EnvFor(Db, Dir);

    [Test]
    public async Task A_live_run_is_never_skipped_because_a_dry_run_is_in_progress_and_each_line_names_its_run()
    {
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 * * *");
        var keys = await TableLock.HoldAsync(Db.ConnectionString);
        await using var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir);
        await serve.WaitUntilAsync(async () => await CountAsync("SELECT count(*) FROM worker.qrtz_job_details") == 1, Patience, "the registry sync");

        await EnqueueAsync("--dry-run");
        await serve.WaitUntilAsync(async () => await CountAsync("SELECT count(*) FROM worker.job_runs WHERE dry_run AND status = 'running'") == 1,
            Patience, "the dry run to block on the key table");
        await EnqueueAsync();
        await serve.WaitUntilAsync(async () => await CountAsync("SELECT count(*) FROM worker.job_runs WHERE NOT dry_run") == 1, Patience, "the live run");
        var live = await Db.ScalarAsync<Guid>("SELECT run_id FROM worker.job_runs WHERE NOT dry_run");
        var liveStatus = await Db.ScalarAsync<string>("SELECT status FROM worker.job_runs WHERE run_id = $1", live);
        // Negative control: while the live run holds the lock, a second live fire is skipped as before.
        await EnqueueAsync();
        await serve.WaitUntilAsync(async () => await CountAsync("SELECT count(*) FROM worker.job_runs WHERE status = 'skipped'") == 1,
            Patience, "the second live fire to be skipped");

        await keys.DisposeAsync();
        await serve.WaitUntilAsync(async () => await CountAsync("SELECT count(*) FROM worker.job_runs WHERE status = 'running'") == 0, Patience, "both runs to end");
        await serve.WaitUntilAsync(async () => await CountAsync("SELECT count(*) FROM worker.qrtz_fired_triggers") == 0, Patience, "the fires to complete");

        var runs = await Db.RowsAsync("SELECT dry_run, status, trigger, triggered_by FROM worker.job_runs ORDER BY started_at");
        var logs = await Db.RowsAsync("SELECT level, message FROM worker.job_run_logs WHERE run_id = $1 ORDER BY seq", live);
        var cli = $"cli:{Environment.UserName}@{Environment.MachineName}";
        Assert.Multiple(() =>
        {
            Assert.That(liveStatus, Is.EqualTo("running"), "the live run started while the dry run was still running");
            Assert.That(runs.Select(r => (r["dry_run"], r["status"], r["trigger"], r["triggered_by"])), Is.EqualTo(new[]
            {
                ((object?)true, (object?)"succeeded", (object?)"enqueued", (object?)cli),
                (false, "succeeded", "enqueued", cli),
                (false, "skipped", "enqueued", cli),
            }));
            Assert.That(serve.Output, Does.Contain($"run={live} task={TaskId} hosted-key-rotation-sla started (trigger enqueued, triggered by {cli}, attempt 1)"));
            Assert.That(serve.Output, Does.Contain($"run={live} task={TaskId} hosted-key-rotation-sla ended succeeded"));
            Assert.That(logs.Select(l => l["message"]), Has.Some.EqualTo(
                $"Aionis.Worker.Running.JobRunner: hosted-key-rotation-sla started (trigger enqueued, triggered by {cli}, attempt 1)"));
            Assert.That(logs.Select(l => (string)l["message"]!), Has.Some.StartsWith("Aionis.Worker.Running.JobRunner: hosted-key-rotation-sla ended succeeded"));
            Assert.That(logs.Select(l => l["level"]), Is.All.EqualTo("info"));
        });
    }

    [Test]
    public async Task A_dry_run_neither_raises_an_operator_alert_nor_resolves_a_live_one()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await Db.AddTenantAsync("acme");
        await Db.AddKeyAsync("acme", "ak_stale", DateTimeOffset.UtcNow.AddDays(-90));
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 * * *",
            "notify: { on_failure: true, on_gate_failed: true, severity: warning }", "inputs: { strict: true }");
        await using var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir, new Dictionary<string, string?>
        {
            ["Alerts__AllowInsecureTargets"] = "true",
            ["AIONIS_ALERT_CHANNELS"] = $$"""[{"id":"ops","type":"generic_webhook","url":"{{receiver.Url("/ops")}}"}]""",
        });
        await serve.WaitUntilAsync(async () => await CountAsync("SELECT count(*) FROM worker.qrtz_job_details") == 1, Patience, "the registry sync");

        await RunToTheEndAsync(serve, 1, "--dry-run");
        var afterDryGateFailure = (Alerts: await CountAsync("SELECT count(*) FROM worker.operator_alerts"), Sent: receiver.Requests.Count);

        await EnqueueAsync();
        await serve.WaitUntilAsync(() => Task.FromResult(receiver.Requests.Count == 1), Patience, "the live gate failure's alert");
        var liveRun = await Db.ScalarAsync<Guid>("SELECT run_id FROM worker.job_runs WHERE NOT dry_run");
        await RunToTheEndAsync(serve, 3, "--dry-run", "--set", "strict=false");
        var afterDrySuccess = (Open: await CountAsync("SELECT count(*) FROM worker.operator_alerts WHERE resolved_at IS NULL"), Sent: receiver.Requests.Count);

        // Negative control: a live success resolves the alert.
        await EnqueueAsync("--set", "strict=false");
        await serve.WaitUntilAsync(() => Task.FromResult(receiver.Requests.Count == 2), Patience, "the live success's resolve");

        var sent = receiver.Requests.ToList();
        var statuses = await Db.RowsAsync("SELECT dry_run, status FROM worker.job_runs ORDER BY started_at");
        Assert.Multiple(() =>
        {
            Assert.That(statuses.Select(s => (s["dry_run"], s["status"])).Take(3), Is.EqualTo(new[]
            {
                ((object?)true, (object?)"gate_failed"), (false, "gate_failed"), (true, "succeeded"),
            }));
            Assert.That(afterDryGateFailure, Is.EqualTo((0L, 0)), "a dry run's gate verdict opens no alert");
            Assert.That(sent[0].Json.GetProperty("payload").GetProperty("run_id").GetString(), Is.EqualTo(liveRun.ToString()));
            Assert.That(afterDrySuccess, Is.EqualTo((1L, 1)), "a dry run's success resolves nothing");
            Assert.That(sent[1].Json.GetProperty("event_type").GetString(), Is.EqualTo("job_gate_failed_recovered"));
        });
    }

    /// <summary>Enqueues a run and waits until it is in history and its fire (observers included) has completed.</summary>
    private async Task RunToTheEndAsync(ServeProcess serve, int runsAfter, params string[] args)
    {
        await EnqueueAsync(args);
        await serve.WaitUntilAsync(async () => await CountAsync("SELECT count(*) FROM worker.job_runs WHERE status <> 'running'") == runsAfter,
            Patience, $"run {runsAfter} to end");
        await serve.WaitUntilAsync(async () => await CountAsync("SELECT count(*) FROM worker.qrtz_fired_triggers") == 0, Patience, "the fire to complete");
    }

    private async Task EnqueueAsync(params string[] args)
    {
        var result = await AionisCli.RunAsync(["run", TaskId, "--enqueue", "--registry", RegistryPath, .. args], Cli);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
    }

    private Task<long> CountAsync(string sql) => Db.ScalarAsync<long>(sql);
}
