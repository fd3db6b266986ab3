using System.Diagnostics;
using System.Text.Json;
using Aionis.Data.History;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Backups;

/// <summary>
/// The pgBackRest jobs against a real archiving PostgreSQL 15 cluster and the real pgbackrest binary: backups, the archive
/// check, repository verification and point-in-time restore drills. The stanza and a full backup are made once.
/// </summary>
public sealed class PitrTests
{
    private PitrCluster _cluster = null!;
    private WorkerHarness _worker = null!;
    private string _fullLabel = "";
    private DateTimeOffset _fullStoppedAt;

    [OneTimeSetUp]
    public async Task StartClusterAndTakeAFullBackupAsync()
    {
        _cluster = await PitrCluster.StartAsync();
        _worker = new WorkerHarness(null, _cluster.Settings);
        // The scratch cluster runs as postgres, which must reach it through the artifacts folder (a 0700 temp folder).
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_worker.ArtifactsRoot, (UnixFileMode)0b111_101_101);
        var setup = await AionisCli.RunAsync(["backups", "pitr-setup", "--create-stanza"], CliEnv());
        Assert.That(setup.ExitCode, Is.EqualTo(0), setup.Stdout + setup.Stderr);
        Assert.That(setup.Stdout, Does.Contain($"stanza '{PitrCluster.StanzaName}' created"));
        await _cluster.ExecuteAsync("CREATE TABLE pitr_marker (id bigserial PRIMARY KEY, batch int NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp())");

        var full = await _worker.RunAsync("pitr-backup", new Dictionary<string, object?> { ["type"] = "full" });
        Assert.That(full.ExitCode, Is.EqualTo(ExitCodes.Ok), full.Error);
        _fullLabel = WorkerHarness.SummaryJson(full).GetProperty("label").GetString()!;
        _fullStoppedAt = WorkerHarness.SummaryJson(full).GetProperty("backup_stopped_at").GetDateTimeOffset();
    }

    [OneTimeTearDown]
    public async Task StopClusterAsync()
    {
        await _worker.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Test]
    public async Task Full_then_writes_then_incr_and_a_drill_to_a_time_between_two_batches_restores_exactly_the_first()
    {
        await _cluster.ExecuteAsync("INSERT INTO pitr_marker (batch) SELECT 1 FROM generate_series(1, 25)");
        var firstNewestId = await _cluster.ScalarAsync<long>("SELECT max(id) FROM pitr_marker");
        var firstCount = await _cluster.ScalarAsync<long>("SELECT count(*) FROM pitr_marker");
        var firstNewestAt = await _cluster.ScalarAsync<DateTime>("SELECT max(created_at) FROM pitr_marker");
        var target = await _cluster.ScalarAsync<DateTime>("SELECT clock_timestamp()");
        await _cluster.ExecuteAsync("INSERT INTO pitr_marker (batch) SELECT 2 FROM generate_series(1, 40)");

        var incr = await _worker.RunAsync("pitr-backup", new Dictionary<string, object?> { ["type"] = "incr" });
        await _cluster.ArchiveEverythingAsync();
        var drill = await _worker.RunAsync("pitr-restore-drill", new Dictionary<string, object?>
        {
            ["type"] = "time", ["target"] = target.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"), ["created_at_tables"] = "pitr_marker", ["strict"] = null,
        });

        var backup = WorkerHarness.SummaryJson(incr);
        var summary = WorkerHarness.SummaryJson(drill);
        var marker = summary.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == "pitr_marker");
        var history = await _cluster.ScalarAsync<string>("""
            SELECT (SELECT string_agg(name || ':' || status, ',' ORDER BY seq) FROM worker.job_run_steps s WHERE s.run_id = r.run_id)
                   || '|' || (r.summary->>'rto_seconds') || '|' || (r.summary->>'rpo_seconds')
              FROM worker.job_runs r WHERE run_id = $1
            """, drill.RunId);
        var backupStep = await _cluster.ScalarAsync<string>("SELECT detail->>'label' FROM worker.job_run_steps WHERE run_id = $1 AND name = 'backup'", incr.RunId);
        Assert.Multiple(() =>
        {
            Assert.That(incr.ExitCode, Is.EqualTo(ExitCodes.Ok), incr.Error);
            Assert.That(backup.GetProperty("type").GetString(), Is.EqualTo("incr"));
            Assert.That(backup.GetProperty("label").GetString(), Does.StartWith(_fullLabel + "_").And.EndWith("I"));
            Assert.That(backup.GetProperty("prior").GetString(), Is.EqualTo(_fullLabel));
            Assert.That(backup.GetProperty("repo").GetInt32(), Is.EqualTo(1));
            Assert.That(backup.GetProperty("wal_start").GetString(), Has.Length.EqualTo(24));
            Assert.That(string.CompareOrdinal(backup.GetProperty("wal_stop").GetString(), backup.GetProperty("wal_start").GetString()), Is.GreaterThanOrEqualTo(0));
            Assert.That(backup.GetProperty("repo_delta_bytes").GetInt64(), Is.GreaterThan(0));
            Assert.That(backup.GetProperty("duration_seconds").GetDouble(), Is.GreaterThan(0));
            Assert.That(backupStep, Is.EqualTo(backup.GetProperty("label").GetString()), "the backup is a step in history");

            Assert.That(drill.ExitCode, Is.EqualTo(ExitCodes.Ok), drill.Error + summary);
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.True, summary.ToString());
            Assert.That(summary.GetProperty("backup_set").GetString(), Is.EqualTo(_fullLabel), "the incr ended after the target, so the full is restored");
            Assert.That(marker.GetProperty("rows").GetInt64(), Is.EqualTo(firstCount), "exactly the first batch");
            Assert.That(marker.GetProperty("newest_id").GetString(), Is.EqualTo(firstNewestId.ToString()));
            Assert.That(marker.GetProperty("newest_created_at").GetDateTimeOffset().UtcDateTime, Is.EqualTo(firstNewestAt).Within(TimeSpan.FromMilliseconds(1)));
            Assert.That(summary.GetProperty("rpo_seconds").GetDouble(), Is.EqualTo((target - firstNewestAt).TotalSeconds).Within(0.01));
            Assert.That(summary.GetProperty("rto_seconds").GetDouble(), Is.GreaterThan(0).And.LessThan(3600));
            Assert.That(summary.GetProperty("rto_target_seconds").GetInt32(), Is.EqualTo(3600));
            Assert.That(summary.GetProperty("rpo_target_seconds").GetInt32(), Is.EqualTo(900));
            Assert.That(summary.GetProperty("scratch_removed").GetBoolean(), Is.True);
            Assert.That(history, Does.StartWith("restore:succeeded,ready:succeeded,verify:succeeded,cleanup:succeeded|"), "steps, RTO and RPO are in history");
        });
        AssertScratchGone(summary);
    }

    [Test]
    public async Task A_drill_whose_recovery_fails_reports_it_and_still_removes_the_scratch_cluster()
    {
        // A target the WAL never reaches: PostgreSQL 15 replays everything, then stops with a FATAL instead of promoting.
        var future = await _cluster.ScalarAsync<DateTime>("SELECT now() + interval '1 day'");
        var drill = await _worker.RunAsync("pitr-restore-drill", new Dictionary<string, object?>
        {
            ["type"] = "time", ["target"] = future.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), ["strict"] = null, ["rto_target_seconds"] = 300,
        });

        var summary = WorkerHarness.SummaryJson(drill);
        Assert.Multiple(() =>
        {
            Assert.That(drill.ExitCode, Is.EqualTo(ExitCodes.GateFailed), drill.Error);
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("ready").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("reasons")[0].GetString(), Does.StartWith("not_ready: the restored server stopped: ")
                .And.Contains("recovery ended before configured recovery target was reached"));
            Assert.That(summary.GetProperty("scratch_removed").GetBoolean(), Is.True);
        });
        AssertScratchGone(summary);
    }

    [Test]
    public async Task A_verification_the_copy_refuses_is_the_drills_finding_with_the_copys_log_and_the_scratch_cluster_still_goes()
    {
        var drill = await _worker.RunAsync("pitr-restore-drill", new Dictionary<string, object?>
        {
            ["created_at_tables"] = "pitr_no_such_table", ["strict"] = null,
        });

        var summary = WorkerHarness.SummaryJson(drill);
        var steps = await _cluster.ScalarAsync<string>(
            "SELECT string_agg(name || ':' || status, ',' ORDER BY seq) FROM worker.job_run_steps WHERE run_id = $1", drill.RunId);
        Assert.Multiple(() =>
        {
            Assert.That(drill.ExitCode, Is.EqualTo(ExitCodes.GateFailed), drill.Error + summary);
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("ready").GetBoolean(), Is.True, "the copy came up; its verification failed");
            Assert.That(summary.GetProperty("rto_seconds").GetDouble(), Is.GreaterThan(0), "RTO is measured before verification");
            Assert.That(summary.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ToList(), Has.Count.EqualTo(1)
                .And.One.StartsWith("verify_failed: 42P01: relation \"pitr_no_such_table\" does not exist; scratch server log: ")
                .And.One.Contains("ERROR:  relation \"pitr_no_such_table\" does not exist"));
            Assert.That(steps, Is.EqualTo("restore:succeeded,ready:succeeded,verify:failed,cleanup:succeeded"));
            Assert.That(summary.GetProperty("scratch_removed").GetBoolean(), Is.True);
        });
        AssertScratchGone(summary);
    }

    [Test]
    public async Task Sigterm_of_the_worker_during_a_drill_stops_and_removes_the_scratch_cluster()
    {
        // A verification query that never ends on its own keeps the drill busy with the copy up until the signal.
        await _cluster.ExecuteAsync("CREATE OR REPLACE VIEW pitr_slow AS SELECT 1 AS id, now() AS created_at FROM pg_sleep(600)");
        await _cluster.ArchiveEverythingAsync();
        var artifacts = Directory.CreateTempSubdirectory("aionis-pitr-cli-").FullName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(artifacts, (UnixFileMode)0b111_101_101);
        using var process = Process.Start(AionisCli.StartInfo(["job", "pitr-restore-drill", "--created-at-tables", "pitr_slow"], CliEnv(artifacts)))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            // Steps reach history when the run ends, so the copy itself is watched: its postmaster.pid (line 4: the port)
            // and its log saying it accepts connections (after recovery ended and it was promoted).
            var port = 0;
            await PitrCluster.WaitUntilAsync(async () =>
            {
                if (process.HasExited) return true;
                var pidFile = Directory.GetFiles(artifacts, "postmaster.pid", SearchOption.AllDirectories).FirstOrDefault();
                if (pidFile is null) return false;
                var lines = await File.ReadAllLinesAsync(pidFile);
                if (lines.Length < 4 || !int.TryParse(lines[3], out port)) return false;
                var log = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(pidFile)!)!, "server.log");
                return File.Exists(log) && (await File.ReadAllTextAsync(log)).Contains("database system is ready to accept connections") && Listening(port);
            }, "the drill's copy accepting connections", 900);
            // The worker's stderr is read to its end, which only comes when it exits: await it only once it has.
            if (process.HasExited) Assert.Fail($"the drill exited with code {process.ExitCode} before its copy was ready: {await stderr}");
            Assert.That(Listening(port), Is.True, "negative control: the scratch server is up before the signal");

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) await kill.WaitForExitAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            var status = await _cluster.ScalarAsync<string>("SELECT status FROM worker.job_runs WHERE job = 'pitr-restore-drill' ORDER BY started_at DESC LIMIT 1");
            Assert.Multiple(() =>
            {
                Assert.That(status, Is.EqualTo(RunStatus.Cancelled), stderr.Result);
                Assert.That(Listening(port), Is.False, "the scratch server is stopped");
                Assert.That(Directory.GetDirectories(artifacts, "scratch", SearchOption.AllDirectories), Is.Empty, "the scratch folder is removed");
            });
        }
        finally
        {
            if (!process.HasExited)
            {
                // Give the drill its own cleanup first; a kill -9 would leave its scratch server running.
                using (var term = Process.Start("kill", ["-TERM", process.Id.ToString()])) await term.WaitForExitAsync();
                if (!process.WaitForExit(TimeSpan.FromSeconds(60))) process.Kill(entireProcessTree: true);
            }
            await stdout;
            await _cluster.ExecuteAsync("DROP VIEW IF EXISTS pitr_slow");
            Directory.Delete(artifacts, recursive: true);
        }
    }

    [Test]
    public async Task The_archive_check_fails_while_archive_command_is_broken_and_passes_once_it_is_fixed()
    {
        var before = await CheckAsync();
        try
        {
            var failed = await _cluster.ScalarAsync<long>("SELECT failed_count FROM pg_stat_archiver");
            await _cluster.ExecuteAsync("ALTER SYSTEM SET archive_command = 'false'");
            await _cluster.ExecuteAsync("SELECT pg_reload_conf()");
            await _cluster.ExecuteAsync("INSERT INTO pitr_marker (batch) VALUES (3)");
            await _cluster.ExecuteAsync("SELECT pg_switch_wal()");
            await PitrCluster.WaitUntilAsync(async () => await _cluster.ScalarAsync<long>("SELECT failed_count FROM pg_stat_archiver") > failed, "an archive failure");
            var broken = await CheckAsync();

            Assert.Multiple(() =>
            {
                Assert.That(before.ExitCode, Is.EqualTo(ExitCodes.Ok), "negative control: archiving works at first");
                Assert.That(broken.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
                Assert.That(broken.Status, Is.EqualTo(RunStatus.GateFailed));
                var summary = WorkerHarness.SummaryJson(broken);
                Assert.That(summary.GetProperty("archiver").GetProperty("failing_now").GetBoolean(), Is.True);
                Assert.That(summary.GetProperty("archiver").GetProperty("failed_since_last_check").GetInt64(), Is.GreaterThanOrEqualTo(1));
                Assert.That(summary.GetProperty("rpo_exposure_seconds").GetDouble(), Is.GreaterThan(0), "unarchived WAL is at risk");
                Assert.That(summary.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()), Has.Some.StartsWith("archive_failing: archiving 0000"));
            });
        }
        finally
        {
            await _cluster.ExecuteAsync("ALTER SYSTEM RESET archive_command");
            await _cluster.ExecuteAsync("SELECT pg_reload_conf()");
        }
        await PitrCluster.WaitUntilAsync(async () => await _cluster.ScalarAsync<bool>(
            "SELECT last_archived_time > coalesce(last_failed_time, '-infinity') FROM pg_stat_archiver"), "archiving recovered");

        var fixedRun = await CheckAsync();
        var fixedSummary = WorkerHarness.SummaryJson(fixedRun);
        Assert.That(fixedRun.ExitCode, Is.EqualTo(ExitCodes.Ok), fixedSummary.ToString());
        Assert.That(fixedSummary.GetProperty("archiver").GetProperty("failing_now").GetBoolean(), Is.False);
    }

    [Test]
    public async Task A_backup_older_than_its_schedule_allows_fails_the_archive_check_naming_the_type()
    {
        // pgBackRest's times are whole seconds: the newest backup must be surely older than the 1 s limit.
        await PitrCluster.WaitUntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > _fullStoppedAt.AddSeconds(3)), "the full backup is 3 s old");
        var run = await _worker.RunAsync("pitr-archive-check", new Dictionary<string, object?> { ["max_incr_age"] = "1s", ["strict"] = null });

        var summary = WorkerHarness.SummaryJson(run);
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(summary.GetProperty("backups")[2].GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("backups")[0].GetProperty("ok").GetBoolean(), Is.True, "the full is within its week");
            Assert.That(summary.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()), Has.One.StartsWith("backup_too_old: newest incr backup "));
        });
    }

    [Test]
    public async Task A_flipped_byte_in_the_repository_fails_pitr_verify_naming_the_file()
    {
        var clean = await _worker.RunAsync("pitr-verify", new Dictionary<string, object?> { ["strict"] = null });
        var file = Directory.GetFiles(Path.Combine(_cluster.Repository, "backup", PitrCluster.StanzaName, _fullLabel, "pg_data", "base"), "*", SearchOption.AllDirectories)
            .OrderByDescending(f => new FileInfo(f).Length).ThenBy(f => f, StringComparer.Ordinal).First();
        FlipByte(file);
        RunResult corrupt;
        try
        {
            corrupt = await _worker.RunAsync("pitr-verify", new Dictionary<string, object?> { ["strict"] = null });
        }
        finally
        {
            FlipByte(file);
        }

        var summary = WorkerHarness.SummaryJson(corrupt);
        var relative = Path.GetRelativePath(Path.Combine(_cluster.Repository, "backup", PitrCluster.StanzaName), file);
        Assert.Multiple(() =>
        {
            Assert.That(clean.ExitCode, Is.EqualTo(ExitCodes.Ok), "negative control: the untouched repository verifies");
            Assert.That(corrupt.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("exit_code").GetInt32(), Is.Zero, "pgbackrest itself exits 0 on corruption");
            var finding = summary.GetProperty("invalid_files").EnumerateArray().Single();
            Assert.That(finding.GetProperty("file").GetString(), Is.EqualTo(relative));
            Assert.That(finding.GetProperty("problem").GetString(), Is.EqualTo("invalid checksum"));
            Assert.That(summary.GetProperty("errors").EnumerateArray().Select(e => e.GetString()), Has.Some.Contains("status: error"));
        });
    }

    [Test]
    public async Task Dry_runs_start_nothing_and_change_nothing()
    {
        var before = await FingerprintAsync();
        var runs = new List<RunResult>
        {
            await _worker.RunAsync("pitr-backup", new Dictionary<string, object?> { ["type"] = "diff" }, dryRun: true),
            await _worker.RunAsync("pitr-archive-check", null, dryRun: true),
            await _worker.RunAsync("pitr-verify", null, dryRun: true),
            await _worker.RunAsync("pitr-restore-drill", new Dictionary<string, object?> { ["created_at_tables"] = "pitr_marker" }, dryRun: true),
        };
        var after = await FingerprintAsync();

        var drill = WorkerHarness.SummaryJson(runs[3]);
        var actions = await _cluster.ScalarAsync<string>("SELECT planned_actions::text FROM worker.job_runs WHERE run_id = $1", runs[3].RunId);
        Assert.Multiple(() =>
        {
            Assert.That(runs.Select(r => r.ExitCode), Is.All.EqualTo(ExitCodes.Ok), string.Join("; ", runs.Select(r => r.Error)));
            Assert.That(after, Is.EqualTo(before), "repository backups, archiver state and the artifacts folder are untouched");
            Assert.That(drill.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(drill.GetProperty("backup_set").GetString(), Does.StartWith(_fullLabel));
            Assert.That(drill.GetProperty("scratch_port").ValueKind, Is.EqualTo(JsonValueKind.Null), "no server was started");
            Assert.That(actions, Does.Contain("pgbackrest_restore").And.Contain("start_server").And.Contain("remove_directory"));
            Assert.That(WorkerHarness.SummaryJson(runs[0]).GetProperty("label").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }

    [Test]
    public async Task A_bad_pgbackrest_setting_is_a_usage_error_naming_the_key()
    {
        var env = CliEnv();
        env["Backups__PgBackRest__Executable"] = "/nonexistent/pgbackrest";

        var result = await AionisCli.RunAsync(["job", "pitr-verify"], env);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.Stderr);
            Assert.That(result.Stderr, Does.Contain("Backups:PgBackRest:Executable '/nonexistent/pgbackrest' must be an executable file"));
            Assert.That(result.Stderr, Does.Not.Contain("   at "), "no stack trace");
        });
    }

    [Test]
    public async Task Pitr_setup_on_a_server_without_archiving_prints_the_lines_to_change_and_exits_64()
    {
        await using var plain = await TestDatabase.CreateAsync();
        var env = CliEnv();
        env["ConnectionStrings__Aionis"] = plain.ConnectionString;

        var result = await AionisCli.RunAsync(["backups", "pitr-setup"], env);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.Stderr);
            Assert.That(result.Stdout, Does.Contain("FIX  archive_mode = 'off': must be on"));
            Assert.That(result.Stdout, Does.Contain("    archive_mode = on"));
            Assert.That(result.Stdout, Does.Contain($"    archive_command = 'pgbackrest --config={_cluster.ConfigPath} --stanza={PitrCluster.StanzaName} archive-push %p'"));
            Assert.That(result.Stdout, Does.Contain("    archive_timeout = 60"));
            Assert.That(result.Stdout, Does.Contain("ok   wal_level = replica"), "a right setting is not asked to change");
            Assert.That(result.Stdout, Does.Contain("restart the server"));
            Assert.That(result.Stdout, Does.Contain($"    [{PitrCluster.StanzaName}]"));
        });
    }

    private Task<RunResult> CheckAsync() =>
        _worker.RunAsync("pitr-archive-check", new Dictionary<string, object?> { ["strict"] = null });

    private Dictionary<string, string?> CliEnv(string? artifacts = null)
    {
        var env = AionisCli.EnvFor(null, artifacts ?? _worker.ArtifactsRoot);
        foreach (var (key, value) in _cluster.Settings) env[key.Replace(":", "__")] = value;
        return env;
    }

    /// <summary>Backups in the repository (files, sizes, times), the archive check's saved state, every artifact file.</summary>
    private async Task<string> FingerprintAsync()
    {
        var backupDir = Path.Combine(_cluster.Repository, "backup");
        var backups = Directory.GetFiles(backupDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{f}:{new FileInfo(f).Length}:{File.GetLastWriteTimeUtc(f):O}");
        var artifacts = Directory.GetFileSystemEntries(_worker.ArtifactsRoot, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
        var state = await _cluster.ScalarAsync<string>("SELECT coalesce(string_agg(t::text, ';'), 'none') FROM worker.pitr_archiver_state t");
        return string.Join("\n", [.. backups, .. artifacts, state]);
    }

    private static void AssertScratchGone(JsonElement summary)
    {
        var root = summary.GetProperty("scratch_directory").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(root), Is.False, $"{root} is removed");
            Assert.That(Listening(summary.GetProperty("scratch_port").GetInt32()), Is.False, "the scratch server is stopped");
        });
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            client.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private static void FlipByte(string file)
    {
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
    }
}
