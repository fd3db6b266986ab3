using System.Text;
using Aionis.Jobs.Evidence;
using Aionis.Tests.Support;

namespace Aionis.Tests.Evidence;

/// <summary>The evidence formats (docs/jobs/evidence.md) and their known answers, checked against the real sha256sum and openssl.</summary>
public sealed class EvidenceKnownAnswerTests
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string X1Sha256 = "bb157861a164e35cdde9d726b0af9ce2765a8f530c35d9e45732b94ee65e9557";
    private const string ReadmeSha256 = "bcdae03c3a8d9098f59937f0e1a42d44031e26201f2566a858cba36ad4dc7293";
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("aionis-evidence-ka-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task The_reference_hmac_known_answer_matches_ours_and_openssl()
    {
        var file = Path.Combine(_dir, "x.json");
        await File.WriteAllTextAsync(file, "{\"x\":1}\n");

        var openssl = await EvidenceTools.RunAsync("openssl", _dir, "dgst", "-sha256", "-hmac", "k", file);

        Assert.Multiple(() =>
        {
            Assert.That(EvidenceSignatures.HmacHex("k", File.ReadAllBytes(file)), Is.EqualTo("ea31d5c2086cb2740e6dbeb85feb10361dfc6d628c52c9c48d2c09438f6b3620"));
            Assert.That(openssl.Stdout.Trim(), Does.EndWith("= ea31d5c2086cb2740e6dbeb85feb10361dfc6d628c52c9c48d2c09438f6b3620"));
        });
    }

    [Test]
    public async Task The_index_is_what_jq_prints_sorted_like_LC_ALL_C_with_the_metadata_left_out()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "03_key_rotation_sla.log"), "");
        await File.WriteAllTextAsync(Path.Combine(_dir, "key_rotation_sla.json"), "{\"x\":1}\n");
        await File.WriteAllTextAsync(Path.Combine(_dir, "README.md"), "# bundle\n");
        Directory.CreateDirectory(Path.Combine(_dir, "timeseries"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "timeseries", "summary.json"), "{\"x\":1}\n");
        await File.WriteAllTextAsync(Path.Combine(_dir, "summary.json"), "{}\n");
        await File.WriteAllTextAsync(Path.Combine(_dir, "09_evidence_verify.log"), "later\n");

        var sealedBundle = await BundleSealer.SealAsync(new SealRequest(_dir, "20261120_120000",
            new DateTimeOffset(2026, 11, 20, 12, 0, 0, 789, TimeSpan.Zero), DryRun: false, HmacKey: "k", SigningKey: null), CancellationToken.None);

        var expected = $$"""
            {
              "run_id": "20261120_120000",
              "generated_at": "2026-11-20T12:00:00Z",
              "out_dir": "{{_dir}}",
              "file_count": 4,
              "files": [
                {
                  "path": "03_key_rotation_sla.log",
                  "sha256": "{{EmptySha256}}",
                  "size_bytes": 0
                },
                {
                  "path": "README.md",
                  "sha256": "{{ReadmeSha256}}",
                  "size_bytes": 9
                },
                {
                  "path": "key_rotation_sla.json",
                  "sha256": "{{X1Sha256}}",
                  "size_bytes": 8
                },
                {
                  "path": "timeseries/summary.json",
                  "sha256": "{{X1Sha256}}",
                  "size_bytes": 8
                }
              ]
            }

            """;
        var index = await File.ReadAllTextAsync(sealedBundle.IndexFile);
        var hmac = await EvidenceTools.RunAsync("openssl", _dir, "dgst", "-sha256", "-hmac", "k", "evidence_index.json");
        var hmacHex = hmac.Stdout.Trim().Split("= ")[1];
        var signature = await File.ReadAllTextAsync(sealedBundle.HmacSignatureFile!);
        Assert.Multiple(() =>
        {
            Assert.That(index, Is.EqualTo(expected));
            Assert.That(signature, Is.EqualTo($$"""
                {
                  "run_id": "20261120_120000",
                  "generated_at": "2026-11-20T12:00:00Z",
                  "algorithm": "HMAC-SHA256",
                  "index_file": "evidence_index.json",
                  "signature_hex": "{{hmacHex}}"
                }

                """));
            Assert.That(sealedBundle.EcdsaSignatureFile, Is.Null);
            Assert.That(File.Exists(Path.Combine(_dir, "evidence_index.json.sig")), Is.False);
        });
    }

    [Test]
    public async Task SHA256SUMS_lines_are_what_sha256sum_prints_even_for_names_it_escapes()
    {
        foreach (var name in new[] { "plain.log", "back\\slash.txt" })
        {
            await File.WriteAllTextAsync(Path.Combine(_dir, name), name);
        }

        var sealedBundle = await BundleSealer.SealAsync(new SealRequest(_dir, "r1", DateTimeOffset.UnixEpoch, false, null, null), CancellationToken.None);

        var sums = await File.ReadAllTextAsync(sealedBundle.Sha256SumsFile);
        var gnu = await EvidenceTools.RunAsync("sha256sum", _dir, "back\\slash.txt", "plain.log");
        var check = await EvidenceTools.RunAsync("sha256sum", _dir, "-c", "SHA256SUMS");
        Assert.Multiple(() =>
        {
            Assert.That(sums, Is.EqualTo(gnu.Stdout));
            Assert.That(sums, Does.StartWith("\\"));
            Assert.That(check.ExitCode, Is.EqualTo(0), check.Stdout + check.Stderr);
            Assert.That(File.Exists(Path.Combine(_dir, "evidence_index.sig.json")), Is.False, "no key, no HMAC document");
        });
    }

    [Test]
    public async Task An_empty_log_is_indexed_with_the_sha256_of_nothing()
    {
        await File.WriteAllBytesAsync(Path.Combine(_dir, "08_evidence_index.log"), []);

        await BundleSealer.SealAsync(new SealRequest(_dir, "r1", DateTimeOffset.UnixEpoch, false, null, null), CancellationToken.None);

        Assert.That(await File.ReadAllTextAsync(Path.Combine(_dir, "evidence_index.json"), Encoding.UTF8),
            Does.Contain($"\"sha256\": \"{EmptySha256}\""));
    }
}
