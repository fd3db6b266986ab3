using System.Text.Json;
using System.Text.Json.Nodes;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Evidence;

/// <summary>
/// hosted-incident-verify (reference §9, contract §8 and §9.7) on copies of one real bundle: each kind of tampering is
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
}
