using System.Net;
using System.Net.Sockets;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Evidence;

/// <summary>
/// #13 "Failures are classified truthfully": a bundle whose steps could not reach the database is not sealed as
/// evidence. The worker points at a port where no PostgreSQL listens (a real refused connection, no stand-in).
/// </summary>
public sealed class IncidentBundleOutageTests
{
    [Test]
    public async Task A_bundle_whose_steps_cannot_reach_the_database_is_not_sealed_published_or_a_gate_verdict()
    {
        await using var worker = new WorkerHarness(null, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aionis"] = $"Host=127.0.0.1;Port={ClosedPort()};Username=postgres;Database=aionis;Timeout=3",
        });
        var bundleDir = Path.Combine(worker.ArtifactsRoot, "bundles", "acme");
        var target = Path.Combine(worker.ArtifactsRoot, "published");

        var result = await worker.RunAsync("incident-bundle-hosted", new Dictionary<string, object?>
        {
            ["tenant-id"] = "acme",
            ["run-id"] = "20261120_120000",
            ["out-dir"] = "bundles/acme",
            ["signing-key"] = "outage-hmac-key",
            ["gate-command"] = new[] { "echo gate ran" },
            ["publish-target"] = "file://" + target,
        });

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo("failed"), "an outage is a failed run, not a gate_failed verdict");
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.DatabaseUnavailable), result.Error);
            Assert.That(result.Error, Does.Contain("step key_rotation_sla could not reach the database").And.Contain("not sealed as evidence"));
            Assert.That(File.ReadAllText(Path.Combine(bundleDir, "01_gate_command_1.log")), Does.StartWith("gate ran"), "the steps before it ran");
            Assert.That(File.ReadAllText(Path.Combine(bundleDir, "03_key_rotation_sla.log")), Does.Contain("\"ok\":false"));
            foreach (var sealFile in new[] { "evidence_index.json", "SHA256SUMS", "evidence_index.sig.json", "summary.json" })
            {
                Assert.That(File.Exists(Path.Combine(bundleDir, sealFile)), Is.False, $"{sealFile}: not sealed");
            }
            Assert.That(Directory.Exists(target), Is.False, "nothing published");
        });
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
