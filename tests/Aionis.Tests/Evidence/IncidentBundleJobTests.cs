using System.Text.Json;
using Aionis.Jobs.Evidence;
using Aionis.Jobs.Framework;
using Aionis.Tests.Support;
using Aionis.Worker.Running;
using Microsoft.Extensions.Time.Testing;

namespace Aionis.Tests.Evidence;

/// <summary>incident-bundle-hosted (docs/jobs/evidence.md) on seeded rows, checked with the tools an auditor has.</summary>
public sealed class IncidentBundleJobTests
{
    private const string SigningKey = "bundle-hmac-secret-7f3a";
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The reference's job steps and the job types behind them.</summary>
    private static readonly (string Step, string Job, string Log)[] JobSteps =
    [
        ("key_rotation_sla", "hosted-key-rotation-sla", "03_key_rotation_sla.log"),
        ("tenant_timeseries_export", "hosted-tenant-timeseries-export", "04_timeseries.log"),
        ("key_usage_anomaly", "hosted-key-usage-anomaly", "05_key_usage_anomaly.log"),
        ("incident_publish_slo", "hosted-incident-publish-slo", "05b_incident_publish_slo.log"),
    ];

    private TestDatabase _db = null!;
    private WorkerHarness _worker = null!;
    private string _keys = null!;
    private string _publicPem = null!;

    [SetUp]
    public async Task SetUp()
    {
        _db = await TestDatabase.CreateAsync();
        _keys = Directory.CreateTempSubdirectory("aionis-bundle-keys-").FullName;
        var (privatePem, publicPem) = await EvidenceTools.NewP256KeyPairAsync(_keys, "bundle");
        _publicPem = publicPem;
        _worker = new WorkerHarness(_db, new Dictionary<string, string?> { ["Evidence:SigningKeyPemFile"] = privatePem }, new FakeTimeProvider(Now));

        await _db.AddKeyAsync("acme", "ak_live_acme01", Now.AddDays(-2));
        await _db.AddKeyAsync("acme", "ak_live_acme02", Now.AddDays(-40), status: "revoked");
        await _db.AddRotationAuditAsync("acme", Now.AddDays(-2));
        await _db.AddQuotaAsync("acme", recallRps: 12.5, recallBurst: 25);
        await _db.AddAuditEventsAsync("acme", "tenant.update", count: 205, firstAt: Now.AddMinutes(-300));
        await _db.AddAuditEventAsync("other", "tenant.update", Now.AddMinutes(-1));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _worker.DisposeAsync();
        await _db.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    private Task<RunResult> BundleAsync(Dictionary<string, object?> options, bool dryRun = false)
    {
        options.TryAdd("tenant-id", "acme");
        options.TryAdd("run-id", "20261120_120000");
        options.TryAdd("out-dir", "bundles/acme");
        return _worker.RunAsync("incident-bundle-hosted", options, dryRun);
    }

    private string BundleDir => Path.Combine(_worker.ArtifactsRoot, "bundles", "acme");

    private static JsonElement ReadJson(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    [Test]
    public async Task A_bundle_on_seeded_data_is_accepted_by_sha256sum_and_openssl_and_recorded_step_by_step()
    {
        var result = await BundleAsync(new() { ["signing-key"] = SigningKey, ["gate-command"] = new[] { "echo core gate passed" } });

        var summary = WorkerHarness.SummaryJson(result);
        var sums = await EvidenceTools.RunAsync("sha256sum", BundleDir, "--strict", "-c", "SHA256SUMS");
        var ecdsa = await EvidenceTools.RunAsync("openssl", BundleDir,
            "dgst", "-sha256", "-verify", _publicPem, "-signature", "evidence_index.json.sig", "evidence_index.json");
        var hmac = await EvidenceTools.RunAsync("openssl", BundleDir, "dgst", "-sha256", "-hmac", SigningKey, "evidence_index.json");
        var index = ReadJson(Path.Combine(BundleDir, "evidence_index.json"));
        var indexed = index.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).ToList();
        var summed = File.ReadAllLines(Path.Combine(BundleDir, "SHA256SUMS")).Select(l => l[66..]).ToList();
        var steps = await _db.RowsAsync("SELECT name, status, detail->>'note' AS note FROM worker.job_run_steps WHERE run_id = $1 ORDER BY seq", result.RunId);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), JobJson.Serialize(result.Summary) + result.Error);
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("fail_reasons").GetArrayLength(), Is.EqualTo(0));
            Assert.That(sums.ExitCode, Is.EqualTo(0), sums.Stdout + sums.Stderr);
            Assert.That(ecdsa.Stdout.Trim(), Is.EqualTo("Verified OK"), ecdsa.Stderr);
            Assert.That(ReadJson(Path.Combine(BundleDir, "evidence_index.sig.json")).GetProperty("signature_hex").GetString(),
                Is.EqualTo(hmac.Stdout.Trim().Split("= ")[1]));
            Assert.That(summed, Is.EqualTo(indexed), "SHA256SUMS covers the same files as the index, in the same order");
            Assert.That(index.GetProperty("generated_at").GetString(), Is.EqualTo("2026-11-20T12:00:00Z"));
            Assert.That(index.GetProperty("file_count").GetInt32(), Is.EqualTo(indexed.Count));
            Assert.That(index.TryGetProperty("dry_run", out _), Is.False, "a real run's index has the reference's fields only");
            Assert.That(indexed, Is.SupersetOf(new[]
            {
                "01_gate_command_1.log", "03_key_rotation_sla.log", "07_audit_snapshot.log", "08_evidence_index.log",
                "audit_events.json", "dashboard_summary.json", "key_rotation_sla.json",
            }));
            Assert.That(indexed, Has.None.AnyOf("09_evidence_verify.log", "summary.json", "SHA256SUMS", "evidence_index.json", "evidence_index.sig.json"));
            Assert.That(steps.Select(s => s["name"]), Is.EqualTo(new[]
            {
                "gate_command_1", "key_rotation_sla", "tenant_timeseries_export", "key_usage_anomaly", "incident_publish_slo", "incident_publish_rollup",
                "alert_dispatch", "audit_snapshot", "evidence_index", "evidence_verify", "publish_bundle",
            }));
            Assert.That(steps.Single(s => (string)s["name"]! == "evidence_verify")["status"], Is.EqualTo("succeeded"));
            Assert.That(steps.Single(s => (string)s["name"]! == "publish_bundle")["note"], Is.EqualTo("skipped_no_publish_target"));
            Assert.That(summary.GetProperty("evidence").GetProperty("signed").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("evidence").GetProperty("ecdsa_signed").GetBoolean(), Is.True);
        });

        var gateLog = File.ReadAllText(Path.Combine(BundleDir, "01_gate_command_1.log"));
        var slaLog = File.ReadAllText(Path.Combine(BundleDir, "03_key_rotation_sla.log"));
        var sla = ReadJson(Path.Combine(BundleDir, "key_rotation_sla.json"));
        Assert.Multiple(() =>
        {
            Assert.That(gateLog, Is.EqualTo("core gate passed\nexit_code=0\n"));
            Assert.That(slaLog, Does.EndWith("exit_code=0\n"));
            Assert.That(sla.GetProperty("stale_count").GetInt32(), Is.EqualTo(0));
            Assert.That(sla.GetProperty("strict").GetBoolean(), Is.True);
            Assert.That(new FileInfo(Path.Combine(BundleDir, "08_evidence_index.log")).Length, Is.EqualTo(0));
        });
    }

    [Test]
    public async Task The_audit_snapshot_holds_the_tenants_newest_200_events_its_key_counts_and_quota()
    {
        var result = await BundleAsync(new() { ["skip-key-sla"] = true });

        var events = ReadJson(Path.Combine(BundleDir, "audit_events.json"));
        var dashboard = ReadJson(Path.Combine(BundleDir, "dashboard_summary.json"));
        var sequence = events.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("details").GetProperty("seq").GetInt32()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
            Assert.That(events.GetProperty("count").GetInt32(), Is.EqualTo(200));
            Assert.That(sequence.First(), Is.EqualTo(204), "newest first");
            Assert.That(sequence.Last(), Is.EqualTo(5));
            Assert.That(events.GetProperty("events").EnumerateArray().All(e => e.GetProperty("tenant_id").GetString() == "acme"), Is.True);
            Assert.That(events.GetProperty("events")[0].GetProperty("created_at").GetString(), Is.EqualTo("2026-11-20T10:24:00.000Z"));
            Assert.That(dashboard.GetProperty("tenant").GetProperty("status").GetString(), Is.EqualTo("active"));
            Assert.That(dashboard.GetProperty("api_keys").GetProperty("active").GetInt64(), Is.EqualTo(1));
            Assert.That(dashboard.GetProperty("api_keys").GetProperty("revoked").GetInt64(), Is.EqualTo(1));
            Assert.That(dashboard.GetProperty("quota").GetProperty("recall_rps").GetDouble(), Is.EqualTo(12.5));
            Assert.That(dashboard.GetProperty("quota").GetProperty("recall_burst").GetInt32(), Is.EqualTo(25));
            Assert.That(File.ReadAllText(Path.Combine(BundleDir, "07_audit_snapshot.log")), Does.Contain("200 events of tenant acme"));
        });
    }

    [Test]
    public async Task Steps_run_their_job_through_the_catalog_and_log_its_exit_code()
    {
        var result = await BundleAsync(new());

        var summary = WorkerHarness.SummaryJson(result);
        var entries = summary.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        var rows = (await _db.RowsAsync("SELECT name, status, detail->>'note' AS note FROM worker.job_run_steps WHERE run_id = $1", result.RunId))
            .ToDictionary(r => (string)r["name"]!);
        Assert.Multiple(() =>
        {
            foreach (var (step, job, log) in JobSteps)
            {
                Assert.That(JobCatalog.Default.TryGet(job, out _), Is.True, $"{job} is in the catalog");
                // The seeded rows break no rule of any step's job: each exits 0.
                Assert.That(entries[step].GetProperty("note").GetString(), Is.EqualTo("exit_code=0"), step);
                Assert.That(entries[step].GetProperty("ok").GetBoolean(), Is.True, step);
                Assert.That(File.ReadAllText(Path.Combine(BundleDir, log)), Does.EndWith("exit_code=0\n"), step);
                Assert.That(rows[step]["status"], Is.EqualTo("succeeded"), step);
                Assert.That(rows[step]["note"], Is.EqualTo("exit_code=0"), step);
            }
            Assert.That(entries["alert_dispatch"].GetProperty("note").GetString(), Is.EqualTo("skipped"), "alerts only with --dispatch-alerts");
        });
    }

    [Test]
    public async Task A_failing_gate_command_fails_the_bundle_with_exit_2_and_its_output_is_evidence()
    {
        var gates = new[] { "echo out; echo err >&2; exit 3", "echo second, with a comma" };

        var strict = await BundleAsync(new() { ["gate-command"] = gates, ["skip-key-sla"] = true });
        var relaxed = await BundleAsync(new() { ["gate-command"] = gates, ["skip-key-sla"] = true, ["no-strict"] = true, ["out-dir"] = "bundles/relaxed" });

        var summary = WorkerHarness.SummaryJson(strict);
        var failedLog = File.ReadAllText(Path.Combine(BundleDir, "01_gate_command_1.log"));
        Assert.Multiple(() =>
        {
            Assert.That(strict.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(strict.Status, Is.EqualTo("gate_failed"));
            Assert.That(summary.GetProperty("fail_reasons").EnumerateArray().Select(r => r.GetString()), Is.EqualTo(new[] { "gate_command_1" }));
            Assert.That(summary.GetProperty("steps")[0].GetProperty("note").GetString(), Is.EqualTo("exit_code=3"));
            Assert.That(failedLog, Does.Contain("out\n").And.Contain("err\n").And.EndWith("exit_code=3\n"));
            Assert.That(File.ReadAllText(Path.Combine(BundleDir, "01_gate_command_2.log")), Does.StartWith("second, with a comma\n"));
            Assert.That(relaxed.ExitCode, Is.EqualTo(ExitCodes.Ok), "--no-strict");
            Assert.That(WorkerHarness.SummaryJson(relaxed).GetProperty("ok").GetBoolean(), Is.False);
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_dry_run_writes_the_bundle_marked_dry_run_and_publishes_enqueues_sends_and_runs_nothing(bool publishAsync)
    {
        var target = Path.Combine(_worker.ArtifactsRoot, "published");
        var marker = Path.Combine(_worker.ArtifactsRoot, "gate-ran");
        var before = await _db.ControlPlaneFingerprintAsync();

        var result = await BundleAsync(new()
        {
            ["signing-key"] = SigningKey,
            ["publish-target"] = "file://" + target,
            ["publish-async"] = publishAsync,
            ["dispatch-alerts"] = true,
            ["alert-dispatch-live"] = true,
            ["gate-command"] = new[] { $"touch {marker}" },
        }, dryRun: true);

        var summary = WorkerHarness.SummaryJson(result);
        // A dry run writes its bundle beside the live one, never into it.
        var dryBundle = OutputPaths.DryRunForm(BundleDir);
        var actions = (await _db.RowsAsync("SELECT planned_actions::text AS a FROM worker.job_runs WHERE run_id = $1", result.RunId)).Single()["a"] as string;
        var steps = summary.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("note").GetString());
        var verify = await _worker.RunAsync("hosted-incident-verify", new Dictionary<string, object?> { ["bundle-dir"] = dryBundle, ["signing-key"] = SigningKey });
        var after = await _db.ControlPlaneFingerprintAsync();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
            Assert.That(after, Is.EqualTo(before), "no queue, delivery or audit rows");
            Assert.That(Directory.Exists(target), Is.False, "nothing published");
            Assert.That(File.Exists(marker), Is.False, "gate commands do not run in a dry run");
            Assert.That(summary.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(Directory.Exists(BundleDir), Is.False, "the live bundle folder is not touched");
            Assert.That(ReadJson(Path.Combine(dryBundle, "summary.json")).GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(ReadJson(Path.Combine(dryBundle, "evidence_index.json")).GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(steps["gate_command_1"], Is.EqualTo("dry_run"));
            Assert.That(steps["publish_bundle"], Is.EqualTo("dry_run"));
            Assert.That(actions, Does.Contain("\"action\": \"run_gate_command\""));
            Assert.That(actions, Does.Contain(publishAsync ? "\"action\": \"enqueue_publish\"" : "\"action\": \"publish_bundle\""));
            Assert.That(WorkerHarness.SummaryJson(verify).GetProperty("ok").GetBoolean(), Is.True, "the dry-run bundle itself verifies");
        });
    }

    [Test]
    public async Task Publishing_now_writes_the_attestation_through_incident_publish_hosted()
    {
        var target = Path.Combine(_worker.ArtifactsRoot, "published");

        var result = await BundleAsync(new() { ["publish-target"] = "file://" + target, ["skip-key-sla"] = true });

        var summary = WorkerHarness.SummaryJson(result);
        var step = summary.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "publish_bundle");
        var artifacts = summary.GetProperty("artifacts");
        Assert.That(JobCatalog.Default.TryGet("incident-publish-hosted", out _), Is.True, "incident-publish-hosted is in the catalog");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
            Assert.That(step.GetProperty("note").GetString(), Does.StartWith($"target=file://{target},adapter="));
            Assert.That(File.Exists(Path.Combine(target, "20261120_120000", "evidence_index.json")), Is.True);
            Assert.That(artifacts.GetProperty("published_uri").GetString(), Is.Not.Empty);
            Assert.That(File.Exists(Path.Combine(BundleDir, "publish_attestation.json")), Is.True);
            Assert.That(artifacts.GetProperty("publish_attestation_json").GetString(), Is.EqualTo(Path.Combine(BundleDir, "publish_attestation.json")));
        });
    }

    [Test]
    public async Task Publishing_async_enqueues_through_hosted_incident_publish_enqueue()
    {
        var result = await BundleAsync(new() { ["publish-target"] = "s3://evidence/acme", ["publish-async"] = true, ["skip-key-sla"] = true });

        var summary = WorkerHarness.SummaryJson(result);
        var step = summary.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "publish_bundle");
        var queued = await _db.RowsAsync("SELECT id::text AS id, target, source_dir FROM control_incident_publish_jobs WHERE run_id = '20261120_120000'");
        Assert.That(JobCatalog.Default.TryGet("hosted-incident-publish-enqueue", out _), Is.True, "hosted-incident-publish-enqueue is in the catalog");
        Assert.That(queued, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
            Assert.That(queued[0]["target"], Is.EqualTo("s3://evidence/acme"));
            Assert.That(queued[0]["source_dir"], Is.EqualTo(BundleDir));
            Assert.That(summary.GetProperty("artifacts").GetProperty("publish_job_id").GetString(), Is.EqualTo(queued[0]["id"]));
            Assert.That(step.GetProperty("note").GetString(), Is.EqualTo($"queued,target=s3://evidence/acme,job_id={queued[0]["id"]}"));
            Assert.That(File.Exists(Path.Combine(BundleDir, "publish_enqueue.json")), Is.True);
        });
    }

    [Test]
    public async Task The_signing_key_never_reaches_history_logs_or_the_bundle_and_gate_commands_do_not_inherit_it()
    {
        var artifacts = Path.Combine(_worker.ArtifactsRoot, "cli");
        var env = AionisCli.EnvFor(_db, artifacts);
        env["INCIDENT_BUNDLE_SIGNING_KEY"] = SigningKey;

        var result = await AionisCli.RunAsync(["job", "incident-bundle-hosted", "--tenant-id", "acme", "--out-dir", "b",
            "--skip-key-sla", "--gate-command", "env"], env);

        var bundle = Path.Combine(artifacts, "b");
        var history = (await _db.RowsAsync("SELECT inputs::text || summary::text || planned_actions::text AS t FROM worker.job_runs")).Single()["t"] as string;
        var steps = (await _db.RowsAsync("SELECT string_agg(detail::text, '') AS t FROM worker.job_run_steps")).Single()["t"] as string;
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
            Assert.That(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("evidence").GetProperty("signed").GetBoolean(), Is.True,
                "the key came from the environment");
            Assert.That(File.ReadAllText(Path.Combine(bundle, "01_gate_command_1.log")), Does.Contain("AIONIS_BUNDLE_RUN_ID="));
            Assert.That(history, Does.Contain("\"signing_key\": \"***\""));
            Assert.That(result.Stdout + result.Stderr + history + steps, Does.Not.Contain(SigningKey));
            foreach (var file in Directory.EnumerateFiles(bundle, "*", SearchOption.AllDirectories))
            {
                Assert.That(File.ReadAllText(file), Does.Not.Contain(SigningKey), file);
            }
        });
    }

    [Test]
    public async Task Every_active_tenant_gets_its_own_bundle_with_the_proposed_registry_inputs()
    {
        await _db.AddKeyAsync("globex", "ak_live_globex1", Now.AddDays(-1));

        var result = await _worker.RunAsync("incident-bundle-hosted", new Dictionary<string, object?>
        {
            ["tenant-id"] = "*", ["window-hours"] = 24, ["out-dir"] = "artifacts/hosted_incident_bundle/{tenant_id}/{run_id}",
        });

        var runFolder = result.RunId.ToString("N");
        var tenants = await _db.RowsAsync("SELECT name, status FROM worker.job_run_steps WHERE run_id = $1 AND name LIKE 'tenant:%' ORDER BY seq", result.RunId);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
            Assert.That(tenants.Select(t => t["name"]), Is.EqualTo(new[] { "tenant:acme", "tenant:globex" }));
            foreach (var tenant in new[] { "acme", "globex" })
            {
                var bundle = Path.Combine(_worker.ArtifactsRoot, "artifacts", "hosted_incident_bundle", tenant, runFolder);
                Assert.That(ReadJson(Path.Combine(bundle, "summary.json")).GetProperty("target").GetProperty("tenant_id").GetString(), Is.EqualTo(tenant));
                Assert.That(File.Exists(Path.Combine(bundle, "evidence_index.json.sig")), Is.True);
            }
        });
    }

    [Test]
    public async Task A_folder_that_already_holds_files_is_refused_and_left_alone()
    {
        Directory.CreateDirectory(BundleDir);
        await File.WriteAllTextAsync(Path.Combine(BundleDir, "older.json"), "{}");

        var result = await BundleAsync(new());

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.RuntimeError));
            Assert.That(result.Error, Does.Contain("already holds files"));
            Assert.That(Directory.GetFiles(BundleDir), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public async Task A_signing_key_file_that_is_not_a_p256_private_key_stops_the_run_naming_the_setting()
    {
        await using var worker = new WorkerHarness(_db, new Dictionary<string, string?> { ["Evidence:SigningKeyPemFile"] = _publicPem });

        var result = await worker.RunAsync("incident-bundle-hosted", new Dictionary<string, object?> { ["tenant-id"] = "acme" });

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.RuntimeError));
            Assert.That(result.Error, Does.Contain("Evidence:SigningKeyPemFile").And.Contain("no private key"));
        });
    }

    [TestCase("window-hours", "0", "--window-hours '0': out of range, allowed 1..720")]
    [TestCase("alert-dispatch-live", "true", "--alert-dispatch-live: needs --dispatch-alerts")]
    [TestCase("publish-async", "true", "--publish-async: needs --publish-target")]
    [TestCase("run-id", "../x", "--run-id '../x': allowed: letters")]
    public void Bad_options_are_refused_naming_the_option(string option, string value, string expected)
    {
        var error = Assert.Throws<OptionBindingException>(() =>
            OptionBinder.Bind(JobCatalog.Default.Get("incident-bundle-hosted"), new Dictionary<string, object?> { [option] = value }));

        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void Permissions_follow_the_publish_and_alert_options()
    {
        var job = JobCatalog.Default.Get("incident-bundle-hosted");
        IReadOnlyList<string> Needs(Dictionary<string, object?> values) => job.RequiredPermissions(OptionBinder.Bind(job, values));

        Assert.Multiple(() =>
        {
            Assert.That(Needs(new()), Is.EqualTo(new[] { "read:control_plane" }));
            Assert.That(Needs(new() { ["publish-target"] = "s3://b" }), Is.EqualTo(new[] { "read:control_plane", "upload:object_storage" }));
            Assert.That(Needs(new() { ["publish-target"] = "s3://b", ["publish-async"] = true }), Is.EqualTo(new[] { "read:control_plane", "write:publish_queue" }));
            Assert.That(Needs(new() { ["dispatch-alerts"] = true }), Is.EqualTo(new[] { "read:control_plane" }));
            Assert.That(Needs(new() { ["dispatch-alerts"] = true, ["alert-dispatch-live"] = true }),
                Is.EqualTo(new[] { "read:control_plane", "send:alerts", "write:alert_deliveries" }));
        });
    }

    /// <summary>
    /// #14: a gate command gets PATH, HOME, LANG, TZ and the variables the task names, never the worker's secrets, and its
    /// output is redacted before it becomes evidence. Through the real binary, whose environment holds the secrets.
    /// </summary>
    [Test]
    public async Task A_gate_command_printing_its_environment_puts_no_secret_of_the_worker_into_the_bundle()
    {
        const string dbPassword = "db-pass-4f1e9c", azureKey = "QXp1cmVLZXk0Mjc3c2VjcmV0PT0=", slackPath = "/services/T0AAA/B0BBB/slacktoken77";
        const string pagerDutyKey = "pd-routing-5c3b2a1d", named = "gate-visible-value-31";
        var env = AionisCli.EnvFor(_db, _worker.ArtifactsRoot);
        env["ConnectionStrings__Aionis"] = _db.ConnectionString + $";Password={dbPassword}";
        env["AZURE_STORAGE_CONNECTION_STRING"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={azureKey};BlobEndpoint=http://127.0.0.1:1/x;";
        env["SLACK_WEBHOOK_URL"] = "https://hooks.slack.com" + slackPath;
        env["PAGERDUTY_ROUTING_KEY"] = pagerDutyKey;
        env["AIONIS_GATE_MODE"] = named;
        env["INCIDENT_BUNDLE_SIGNING_KEY"] = SigningKey;

        var cli = await AionisCli.RunAsync(["job", "incident-bundle-hosted", "--tenant-id", "acme", "--out-dir", BundleDir,
            "--gate-command", "env", "--gate-command", "echo \"$PAGERDUTY_ROUTING_KEY\"; cat \"$HOME/.no-such\" 2>/dev/null; echo url=$SLACK_WEBHOOK_URL",
            "--gate-env", "AIONIS_GATE_MODE,PAGERDUTY_ROUTING_KEY", "--skip-key-sla", "--skip-timeseries", "--skip-key-usage", "--skip-incident-slo"], env);

        var gate = File.ReadAllText(Path.Combine(BundleDir, "01_gate_command_1.log"));
        var second = File.ReadAllText(Path.Combine(BundleDir, "01_gate_command_2.log"));
        var everything = string.Concat(Directory.EnumerateFiles(BundleDir, "*", SearchOption.AllDirectories).Select(File.ReadAllText)) + cli.Stdout;
        Assert.Multiple(() =>
        {
            Assert.That(cli.ExitCode, Is.EqualTo(ExitCodes.Ok), cli.Stderr);
            Assert.That(gate, Does.Contain("PATH=").And.Contain($"AIONIS_GATE_MODE={named}").And.Contain("AIONIS_BUNDLE_RUN_ID="),
                "negative control: env ran, with the allow-list and the named variable");
            Assert.That(gate, Does.Contain("PAGERDUTY_ROUTING_KEY=***"), "a named secret reaches the command but is masked in its output");
            Assert.That(gate, Does.Not.Contain("ConnectionStrings__Aionis").And.Not.Contain("AZURE_STORAGE").And.Not.Contain("SLACK_WEBHOOK_URL"));
            Assert.That(second, Does.StartWith("***\n"));
            Assert.That(second, Does.Contain("url=\n"), "an unnamed variable is not passed");
            foreach (var secret in new[] { dbPassword, azureKey, slackPath, "slacktoken77", pagerDutyKey, SigningKey })
            {
                Assert.That(everything, Does.Not.Contain(secret), secret);
            }
        });
    }

    [Test]
    public async Task A_fifo_left_in_the_bundle_fails_the_seal_instead_of_hanging_it()
    {
        var run = BundleAsync(new() { ["gate-command"] = new[] { "mkfifo pipe" }, ["skip-key-sla"] = true });
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.That(finished, Is.SameAs(run), "sealing blocked on the FIFO");

        var summary = WorkerHarness.SummaryJson(await run);
        var seal = summary.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "evidence_index");
        Assert.Multiple(() =>
        {
            Assert.That(seal.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(seal.GetProperty("note").GetString(), Does.Contain("pipe (fifo)"));
            Assert.That(File.Exists(Path.Combine(BundleDir, "evidence_index.json")), Is.False);
        });
    }
}
