using System.Text.Json;
using System.Text.Json.Nodes;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Evidence;

/// <summary>
/// hosted-incident-verify (docs/jobs/evidence.md) on copies of one real bundle: each kind of tampering is
/// caught and named, exit 2 under --strict. The verifier runs without a database.
/// </summary>
public sealed class IncidentVerifyJobTests
{
    private const string SigningKey = "verify-hmac-secret-19c2";
    private string _root = null!;
    private string _original = null!;
    private string _publicPem = null!;
    private string _otherPrivatePem = null!;
    private string _bundle = null!;
    private WorkerHarness _offline = null!;

    [OneTimeSetUp]
    public async Task BuildOneBundle()
    {
        _root = Directory.CreateTempSubdirectory("aionis-verify-").FullName;
        var (privatePem, publicPem) = await EvidenceTools.NewP256KeyPairAsync(_root, "bundle");
        (_otherPrivatePem, _) = await EvidenceTools.NewP256KeyPairAsync(_root, "other");
        _publicPem = publicPem;
        _original = Path.Combine(_root, "original");

        await using var db = await TestDatabase.CreateAsync();
        await db.AddKeyAsync("acme", "ak_live_acme01", DateTimeOffset.UtcNow.AddDays(-3));
        await db.AddAuditEventAsync("acme", "tenant.update", DateTimeOffset.UtcNow.AddHours(-1));
        await using var worker = new WorkerHarness(db, new Dictionary<string, string?> { ["Evidence:SigningKeyPemFile"] = privatePem });
        var built = await worker.RunAsync("incident-bundle-hosted", new Dictionary<string, object?>
        {
            ["tenant-id"] = "acme", ["out-dir"] = _original, ["signing-key"] = SigningKey, ["gate-command"] = new[] { "echo gate ok" },
        });
        Assert.That(built.ExitCode, Is.EqualTo(ExitCodes.Ok), built.Error);
    }

    [OneTimeTearDown]
    public void RemoveBundles() => Directory.Delete(_root, recursive: true);

    [SetUp]
    public void CopyTheBundle()
    {
        _bundle = Path.Combine(_root, "copy-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var file in Directory.EnumerateFiles(_original, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(_bundle, Path.GetRelativePath(_original, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        _offline = new WorkerHarness(database: null);
    }

    [TearDown]
    public async Task DisposeWorker() => await _offline.DisposeAsync();

    private async Task<(RunResult Result, JsonElement Summary)> VerifyAsync(string? signingKey = SigningKey, string? publicKey = null)
    {
        var options = new Dictionary<string, object?> { ["bundle-dir"] = _bundle, ["strict"] = true, ["public-key-pem"] = publicKey ?? _publicPem };
        if (signingKey is not null) options["signing-key"] = signingKey;
        var result = await _offline.RunAsync("hosted-incident-verify", options);
        return (result, result.Summary is null ? default : WorkerHarness.SummaryJson(result));
    }

    private static List<string?> Paths(JsonElement summary, string list) =>
        summary.GetProperty(list).EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();

    /// <summary>Rewrites the index (which breaks its signatures, as any edit of it must).</summary>
    private void EditIndex(Action<JsonArray> edit)
    {
        var path = Path.Combine(_bundle, "evidence_index.json");
        var index = JsonNode.Parse(File.ReadAllText(path))!;
        edit(index["files"]!.AsArray());
        File.WriteAllText(path, index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    [Test]
    public async Task An_untouched_bundle_passes_with_both_signatures_checked()
    {
        var (result, summary) = await VerifyAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), JsonSerializer.Serialize(summary));
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("files_indexed").GetInt32(), Is.GreaterThan(5));
            Assert.That(summary.GetProperty("signature").GetProperty("valid").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("ecdsa_signature").GetProperty("valid").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("unindexed_count").GetInt32(), Is.EqualTo(0), "summary.json, SHA256SUMS and logs 09/10 are metadata");
        });
    }

    [Test]
    public async Task One_flipped_byte_is_a_digest_mismatch_of_that_file()
    {
        var file = Path.Combine(_bundle, "key_rotation_sla.json");
        var bytes = File.ReadAllBytes(file);
        bytes[10] ^= 0x01;
        File.WriteAllBytes(file, bytes);

        var (result, summary) = await VerifyAsync();

        var mismatch = summary.GetProperty("digest_mismatch")[0];
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(summary.GetProperty("digest_mismatch_count").GetInt32(), Is.EqualTo(1));
            Assert.That(mismatch.GetProperty("path").GetString(), Is.EqualTo("key_rotation_sla.json"));
            Assert.That(mismatch.GetProperty("actual").GetString(), Is.Not.EqualTo(mismatch.GetProperty("expected").GetString()));
            Assert.That(summary.GetProperty("size_mismatch_count").GetInt32(), Is.EqualTo(0), "same length");
            Assert.That(summary.GetProperty("signature").GetProperty("valid").GetBoolean(), Is.True, "the index itself is intact");
        });
    }

    [Test]
    public async Task A_truncated_file_is_a_digest_and_a_size_mismatch_with_both_sizes()
    {
        var file = Path.Combine(_bundle, "audit_events.json");
        var length = new FileInfo(file).Length;
        using (var stream = File.OpenWrite(file)) stream.SetLength(length - 10);

        var (result, summary) = await VerifyAsync();

        var size = summary.GetProperty("size_mismatch")[0];
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(Paths(summary, "digest_mismatch"), Is.EqualTo(new[] { "audit_events.json" }));
            Assert.That(size.GetProperty("path").GetString(), Is.EqualTo("audit_events.json"));
            Assert.That(size.GetProperty("expected").GetInt64(), Is.EqualTo(length));
            Assert.That(size.GetProperty("actual").GetInt64(), Is.EqualTo(length - 10));
        });
    }

    [Test]
    public async Task A_deleted_file_is_missing()
    {
        File.Delete(Path.Combine(_bundle, "07_audit_snapshot.log"));

        var (result, summary) = await VerifyAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(Paths(summary, "missing"), Is.EqualTo(new[] { "07_audit_snapshot.log" }));
        });
    }

    [Test]
    public async Task Added_files_even_hidden_ones_are_unindexed_but_the_bundles_own_metadata_is_not()
    {
        File.WriteAllText(Path.Combine(_bundle, "notes.txt"), "added later");
        Directory.CreateDirectory(Path.Combine(_bundle, "extra"));
        File.WriteAllText(Path.Combine(_bundle, "extra", ".hidden"), "x");
        File.WriteAllText(Path.Combine(_bundle, "publish_attestation.json"), "{}");

        var (result, summary) = await VerifyAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(Paths(summary, "unindexed"), Is.EqualTo(new[] { "extra/.hidden", "notes.txt" }));
            Assert.That(summary.GetProperty("unindexed")[1].GetProperty("size_bytes").GetInt64(), Is.EqualTo(11));
        });
    }

    [Test]
    public async Task Index_paths_that_escape_the_bundle_are_invalid_and_never_read()
    {
        EditIndex(files =>
        {
            files.Add(new JsonObject { ["path"] = "../../etc/passwd", ["sha256"] = "00", ["size_bytes"] = 1 });
            files.Add(new JsonObject { ["path"] = "/etc/passwd", ["sha256"] = "00", ["size_bytes"] = 1 });
        });

        var (result, summary) = await VerifyAsync(signingKey: null);

        var invalid = summary.GetProperty("invalid_path").EnumerateArray()
            .Select(e => (e.GetProperty("path").GetString(), e.GetProperty("reason").GetString())).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(invalid, Is.EqualTo(new[] { ("../../etc/passwd", "outside_bundle"), ("/etc/passwd", "absolute") }));
            Assert.That(summary.GetProperty("digest_mismatch_count").GetInt32(), Is.EqualTo(0), "/etc/passwd was not hashed");
            Assert.That(summary.GetProperty("ecdsa_signature").GetProperty("valid").GetBoolean(), Is.False, "the index was changed");
        });
    }

    [Test]
    public async Task A_wrong_hmac_key_is_a_signature_mismatch()
    {
        var (result, summary) = await VerifyAsync(signingKey: "not-the-key");

        var signature = summary.GetProperty("signature");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(signature.GetProperty("checked").GetBoolean(), Is.True);
            Assert.That(signature.GetProperty("valid").GetBoolean(), Is.False);
            Assert.That(signature.GetProperty("error").GetString(), Is.EqualTo("signature mismatch"));
            Assert.That(summary.GetProperty("ecdsa_signature").GetProperty("valid").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task A_signature_made_by_another_ecdsa_key_is_a_mismatch()
    {
        var resigned = await EvidenceTools.RunAsync("openssl", _bundle,
            "dgst", "-sha256", "-sign", _otherPrivatePem, "-out", "evidence_index.json.sig", "evidence_index.json");
        Assert.That(resigned.ExitCode, Is.EqualTo(0), resigned.Stderr);

        var (result, summary) = await VerifyAsync();

        var ecdsa = summary.GetProperty("ecdsa_signature");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(ecdsa.GetProperty("valid").GetBoolean(), Is.False);
            Assert.That(ecdsa.GetProperty("error").GetString(), Is.EqualTo("signature mismatch"));
            Assert.That(summary.GetProperty("signature").GetProperty("valid").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task A_missing_signature_file_fails_when_a_key_is_given_and_is_only_reported_without_one()
    {
        File.Delete(Path.Combine(_bundle, "evidence_index.sig.json"));

        var (withKey, checkedSummary) = await VerifyAsync();
        var withoutKeys = await _offline.RunAsync("hosted-incident-verify", new Dictionary<string, object?> { ["bundle-dir"] = _bundle, ["strict"] = true });

        var notChecked = WorkerHarness.SummaryJson(withoutKeys);
        Assert.Multiple(() =>
        {
            Assert.That(withKey.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(checkedSummary.GetProperty("signature").GetProperty("error").GetString(), Is.EqualTo("signature file missing"));
            Assert.That(withoutKeys.ExitCode, Is.EqualTo(ExitCodes.Ok));
            Assert.That(notChecked.GetProperty("signature").GetProperty("checked").GetBoolean(), Is.False);
            Assert.That(notChecked.GetProperty("signature").GetProperty("file_present").GetBoolean(), Is.False);
            Assert.That(notChecked.GetProperty("ecdsa_signature").GetProperty("valid").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(notChecked.GetProperty("ecdsa_signature").GetProperty("file_present").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task A_missing_size_is_reported_as_unknown_not_as_a_mismatch_with_zero()
    {
        EditIndex(files => files.OfType<JsonObject>().Single(f => (string?)f["path"] == "key_rotation_sla.json").Remove("size_bytes"));

        var (result, summary) = await VerifyAsync(signingKey: null, publicKey: "");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok));
            Assert.That(Paths(summary, "size_unknown"), Is.EqualTo(new[] { "key_rotation_sla.json" }));
            Assert.That(summary.GetProperty("size_mismatch_count").GetInt32(), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task A_missing_index_is_an_error_exit_1()
    {
        File.Delete(Path.Combine(_bundle, "evidence_index.json"));

        var (result, _) = await VerifyAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.RuntimeError));
            Assert.That(result.Error, Does.StartWith("index file missing"));
        });
    }

    [Test]
    public async Task The_real_binary_verifies_offline_with_the_key_from_the_environment_and_says_no_history_is_recorded()
    {
        var env = AionisCli.EnvFor(database: null, Path.Combine(_root, "cli-artifacts"));
        env["INCIDENT_BUNDLE_SIGNING_KEY"] = SigningKey;
        string[] args = ["job", "hosted-incident-verify", "--bundle-dir", _bundle, "--strict", "--public-key-pem", _publicPem];

        var clean = await AionisCli.RunAsync(args, env);
        File.AppendAllText(Path.Combine(_bundle, "dashboard_summary.json"), " ");
        var tampered = await AionisCli.RunAsync(args, env);

        var cleanSummary = JsonDocument.Parse(clean.Stdout).RootElement;
        var tamperedSummary = JsonDocument.Parse(tampered.Stdout).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(clean.ExitCode, Is.EqualTo(0), clean.Stderr);
            Assert.That(clean.Stderr, Does.Contain("no database configured"));
            Assert.That(cleanSummary.GetProperty("signature").GetProperty("valid").GetBoolean(), Is.True, "key from INCIDENT_BUNDLE_SIGNING_KEY");
            Assert.That(cleanSummary.GetProperty("ecdsa_signature").GetProperty("valid").GetBoolean(), Is.True);
            Assert.That(tampered.ExitCode, Is.EqualTo(2));
            Assert.That(Paths(tamperedSummary, "size_mismatch"), Is.EqualTo(new[] { "dashboard_summary.json" }));
            Assert.That(clean.Stdout + clean.Stderr + tampered.Stdout + tampered.Stderr, Does.Not.Contain(SigningKey));
        });
    }

    [Test]
    public async Task Require_signature_fails_an_unsigned_bundle_and_without_the_flag_an_unsigned_bundle_still_passes()
    {
        var signed = await _offline.RunAsync("hosted-incident-verify", new Dictionary<string, object?>
        {
            ["bundle-dir"] = _bundle, ["signing-key"] = SigningKey, ["public-key-pem"] = _publicPem, ["require-signature"] = true,
        });
        foreach (var signature in new[] { "evidence_index.sig.json", "evidence_index.json.sig", "SHA256SUMS.sig" })
        {
            File.Delete(Path.Combine(_bundle, signature));
        }
        var unsignedRequired = await _offline.RunAsync("hosted-incident-verify", new Dictionary<string, object?>
        {
            ["bundle-dir"] = _bundle, ["strict"] = true, ["require-signature"] = true,
        });
        var unsignedPlain = await _offline.RunAsync("hosted-incident-verify", new Dictionary<string, object?> { ["bundle-dir"] = _bundle, ["strict"] = true });

        Assert.Multiple(() =>
        {
            Assert.That(WorkerHarness.SummaryJson(signed).GetProperty("ok").GetBoolean(), Is.True, "negative control: a signed bundle passes");
            Assert.That(WorkerHarness.SummaryJson(signed).GetProperty("signature_verified").GetBoolean(), Is.True);
            Assert.That(unsignedRequired.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(WorkerHarness.SummaryJson(unsignedRequired).GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(WorkerHarness.SummaryJson(unsignedRequired).GetProperty("signature_verified").GetBoolean(), Is.False);
            Assert.That(WorkerHarness.SummaryJson(unsignedRequired).GetProperty("signature_required").GetBoolean(), Is.True);
            Assert.That(unsignedPlain.ExitCode, Is.EqualTo(ExitCodes.Ok), "without the flag the reference behaviour stays");
        });
    }

    [Test]
    public async Task Require_signature_is_not_met_by_a_signature_that_no_key_checked()
    {
        var result = await _offline.RunAsync("hosted-incident-verify", new Dictionary<string, object?>
        {
            ["bundle-dir"] = _bundle, ["require-signature"] = true, ["signing-key"] = "", ["public-key-pem"] = "",
        });

        var summary = WorkerHarness.SummaryJson(result);
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("signature").GetProperty("file_present").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.False, "present but unchecked is not verified");
        });
    }

    /// <summary>
    /// Corpus of #14 "Evidence": every way <c>SHA256SUMS</c> can disagree with the index is not ok and named (the auditor
    /// trusts this file, not the index). One row per case: how the file is changed, the reason verify reports.
    /// </summary>
    [TestCase("missing", "missing_file")]
    [TestCase("empty", "empty")]
    [TestCase("extra_line", "not_in_index")]
    [TestCase("dot_dot_path", "outside_bundle")]
    [TestCase("absolute_path", "absolute")]
    [TestCase("dropped_line", "not_listed")]
    [TestCase("duplicate_line", "duplicate")]
    [TestCase("forged_digest", "digest_differs_from_index")]
    [TestCase("malformed_line", "malformed")]
    [TestCase("fifo", "not_a_regular_file")]
    public async Task A_sha256sums_that_disagrees_with_the_index_fails_the_bundle(string change, string reason)
    {
        var sums = Path.Combine(_bundle, "SHA256SUMS");
        var lines = File.ReadAllLines(sums).ToList();
        var digest = new string('a', 64);
        switch (change)
        {
            case "missing": File.Delete(sums); break;
            case "empty": File.WriteAllText(sums, ""); break;
            case "extra_line": File.AppendAllText(sums, $"{digest}  extra.txt\n"); break;
            case "dot_dot_path": File.AppendAllText(sums, $"{digest}  ../outside/x\n"); break;
            case "absolute_path": File.AppendAllText(sums, $"{digest}  /etc/passwd\n"); break;
            case "dropped_line": File.WriteAllLines(sums, lines.Skip(1)); break;
            case "duplicate_line": File.WriteAllLines(sums, lines.Prepend(lines[0])); break;
            case "forged_digest": File.WriteAllLines(sums, lines.Select((l, i) => i == 0 ? digest + l[64..] : l)); break;
            case "malformed_line": File.AppendAllText(sums, "not a checksum line\n"); break;
            case "fifo": File.Delete(sums); Assert.That((await EvidenceTools.RunAsync("mkfifo", _bundle, "SHA256SUMS")).ExitCode, Is.Zero); break;
        }

        var (result, summary) = await WithinDeadlineAsync(VerifyAsync(publicKey: ""));

        var problems = summary.GetProperty("sha256_sums").GetProperty("problems").EnumerateArray()
            .Select(p => p.GetProperty("reason").GetString()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed), JsonSerializer.Serialize(summary));
            Assert.That(problems, Does.Contain(reason));
            Assert.That(summary.GetProperty("signature").GetProperty("valid").GetBoolean(), Is.True, "the index is untouched: SHA256SUMS alone fails it");
        });
    }

    [Test]
    public async Task An_untouched_sha256sums_has_no_problem_and_its_own_signature_verifies()
    {
        var (_, summary) = await VerifyAsync();

        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("sha256_sums").GetProperty("problems").GetArrayLength(), Is.Zero);
            Assert.That(summary.GetProperty("sha256_sums").GetProperty("line_count").GetInt32(), Is.EqualTo(summary.GetProperty("files_indexed").GetInt32()));
            Assert.That(summary.GetProperty("sha256_sums_signature").GetProperty("valid").GetBoolean(), Is.True);
        });
    }

    /// <summary>
    /// The auditor's procedure of docs/jobs/evidence.md, exactly as written there (run with <c>sh -e</c>): it accepts the
    /// bundle as sealed and rejects a forged evidence file whose <c>SHA256SUMS</c> line was fixed to match — the forgery the
    /// old procedure (which signed only the index) accepted.
    /// </summary>
    [Test]
    public async Task The_documented_auditor_procedure_accepts_the_sealed_bundle_and_rejects_a_forged_file_with_a_fixed_sha256sums_line()
    {
        var procedure = AuditorProcedure();
        var intact = await RunProcedureAsync(procedure);

        var forged = Path.Combine(_bundle, "audit_events.json");
        File.WriteAllText(forged, "{\"events\": []}\n");
        var sums = Path.Combine(_bundle, "SHA256SUMS");
        var fixedDigest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(forged)));
        File.WriteAllLines(sums, File.ReadAllLines(sums).Select(l => l.EndsWith("  audit_events.json") ? $"{fixedDigest}  audit_events.json" : l));
        var sha256sumAlone = await EvidenceTools.RunAsync("sha256sum", _bundle, "--strict", "-c", "SHA256SUMS");
        var tampered = await RunProcedureAsync(procedure);
        var (_, verify) = await VerifyAsync();

        Assert.Multiple(() =>
        {
            Assert.That(procedure, Does.Contain("SHA256SUMS.sig").And.Contain("sha256sum --strict -c SHA256SUMS"));
            Assert.That(intact.ExitCode, Is.EqualTo(0), intact.Stdout + intact.Stderr);
            Assert.That(sha256sumAlone.ExitCode, Is.EqualTo(0), "the forgery is consistent with SHA256SUMS, so sha256sum alone passes it");
            Assert.That(tampered.ExitCode, Is.Not.EqualTo(0), "the documented procedure catches it");
            Assert.That(tampered.Stdout + tampered.Stderr, Does.Contain("Verification failure"));
            Assert.That(verify.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(verify.GetProperty("sha256_sums_signature").GetProperty("valid").GetBoolean(), Is.False);
        });
    }

    private Task<CliResult> RunProcedureAsync(string procedure)
    {
        var script = Path.Combine(_root, $"procedure-{Guid.NewGuid():N}.sh");
        File.WriteAllText(script, $"PUB='{_publicPem}'\n{procedure}");
        return EvidenceTools.RunAsync("sh", _bundle, "-e", script);
    }

    /// <summary>The sh block after the <c>auditor-procedure</c> marker in docs/jobs/evidence.md.</summary>
    private static string AuditorProcedure()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "Aionis.sln"))) dir = dir.Parent!;
        var doc = File.ReadAllText(Path.Combine(dir.FullName, "docs", "jobs", "evidence.md"));
        var start = doc.IndexOf("```sh\n", doc.IndexOf("<!-- auditor-procedure", StringComparison.Ordinal), StringComparison.Ordinal) + 6;
        return doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
    }

    /// <summary>
    /// Verify never reads special files: a FIFO or a link to /dev/zero in place of an indexed file, a symlinked folder
    /// pointing outside the bundle, a FIFO nobody indexed. Each is reported (lstat), none is opened; a hang fails the test.
    /// </summary>
    [TestCase("fifo_in_place_of_an_indexed_file", "audit_events.json", "fifo")]
    [TestCase("dev_zero_in_place_of_an_indexed_file", "audit_events.json", "symlink")]
    [TestCase("symlink_to_a_file_inside_the_bundle", "audit_events.json", "symlink")]
    [TestCase("symlinked_folder_pointing_outside", "timeseries", "symlink")]
    [TestCase("unindexed_fifo", "drop.pipe", "fifo")]
    public async Task Special_files_are_reported_and_never_read(string change, string path, string kind)
    {
        var full = Path.Combine(_bundle, path);
        switch (change)
        {
            case "fifo_in_place_of_an_indexed_file":
            case "unindexed_fifo":
                File.Delete(full);
                Assert.That((await EvidenceTools.RunAsync("mkfifo", _bundle, path)).ExitCode, Is.Zero);
                break;
            case "dev_zero_in_place_of_an_indexed_file":
                File.Delete(full);
                File.CreateSymbolicLink(full, "/dev/zero");
                break;
            case "symlink_to_a_file_inside_the_bundle":
                File.Move(full, full + ".real");
                File.CreateSymbolicLink(full, full + ".real");
                break;
            case "symlinked_folder_pointing_outside":
                var outside = Path.Combine(_root, "outside-" + Guid.NewGuid().ToString("N")[..8]);
                Directory.Move(full, outside);
                Directory.CreateSymbolicLink(full, outside);
                break;
        }

        var (result, summary) = await WithinDeadlineAsync(VerifyAsync());

        var special = summary.GetProperty("special_files").EnumerateArray()
            .Select(e => (e.GetProperty("path").GetString(), e.GetProperty("kind").GetString())).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed), JsonSerializer.Serialize(summary));
            Assert.That(special, Does.Contain((path, kind)));
            Assert.That(summary.GetProperty("digest_mismatch_count").GetInt32(), Is.Zero, "nothing special was hashed");
        });
    }

    /// <summary>Awaits a verify, failing the test (instead of hanging the suite) when it does not finish in 60 s.</summary>
    private static async Task<T> WithinDeadlineAsync<T>(Task<T> run)
    {
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.That(finished, Is.SameAs(run), "verify did not finish within 60 s: it blocked on a special file");
        return await run;
    }
}
