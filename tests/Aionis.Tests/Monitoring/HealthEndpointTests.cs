using System.Text.Json.Nodes;
using Aionis.Tests.Support;

namespace Aionis.Tests.Monitoring;

/// <summary>/healthz and /readyz of a real serve, through a database outage on a cluster of the test's own.</summary>
public sealed class HealthEndpointTests
{
    [Test]
    public async Task Readyz_turns_503_naming_the_database_within_seconds_of_an_outage_and_200_after_while_healthz_stays_200()
    {
        await using var postgres = await ProductionPostgres.StartAsync();
        var dir = Directory.CreateTempSubdirectory("aionis-health-").FullName;
        var registry = Path.Combine(dir, "task_registry.yml");
        await KeyRotationRegistry.WriteAsync(registry, "0 0 1 1 *");
        var monitored = new MonitoredServe();
        await using var serve = ServeProcess.Start(null, registry, "node-a", dir,
            monitored.Env(new() { ["ConnectionStrings__Aionis"] = postgres.ConnectionString + ";Password=pw-never-shown" }));
        await serve.WaitUntilAsync(async () => (await monitored.GetAsync("/readyz")).Status == 200, TimeSpan.FromSeconds(60), "/readyz 200");
        var ready = await monitored.GetAsync("/readyz");

        await postgres.StopServerAsync();
        var stoppedAt = DateTime.UtcNow;
        await serve.WaitUntilAsync(async () => (await monitored.GetAsync("/readyz")).Status == 503, TimeSpan.FromSeconds(15), "/readyz 503");
        var noticedAfter = DateTime.UtcNow - stoppedAt;
        var outage = await monitored.GetAsync("/readyz");
        var liveDuringOutage = await monitored.GetAsync("/healthz");
        var metricsDuringOutage = await monitored.GetAsync("/metrics");

        await postgres.StartServerAsync();
        await serve.WaitUntilAsync(async () => (await monitored.GetAsync("/readyz")).Status == 200, TimeSpan.FromSeconds(60), "/readyz 200 again");

        Assert.Multiple(() =>
        {
            Assert.That(Checks(ready.Body), Is.EquivalentTo(new Dictionary<string, string>
            {
                ["database"] = "healthy", ["registry"] = "healthy", ["scheduler"] = "healthy", ["cluster_checkin"] = "healthy",
            }));
            Assert.That(noticedAfter, Is.LessThan(TimeSpan.FromSeconds(10)));
            Assert.That(outage.Status, Is.EqualTo(503));
            Assert.That(Checks(outage.Body)["database"], Is.EqualTo("unhealthy"), outage.Body);
            Assert.That(Checks(outage.Body)["registry"], Is.EqualTo("healthy"), outage.Body);
            Assert.That((string?)JsonNode.Parse(outage.Body)!["status"], Is.EqualTo("unhealthy"));
            Assert.That(liveDuringOutage.Status, Is.EqualTo(200), "an outage is waited out, not a reason to restart: " + liveDuringOutage.Body);
            Assert.That(metricsDuringOutage.Status, Is.EqualTo(200));
            Assert.That(metricsDuringOutage.Body, Does.Contain("aionis_runs_in_flight"));
            Assert.That(metricsDuringOutage.Body + outage.Body + serve.Output, Does.Not.Contain("pw-never-shown"), "no password in metrics, health or logs");
        });
        Directory.Delete(dir, recursive: true);
    }

    [Test]
    public async Task Healthz_answers_while_serve_waits_for_the_database_and_readyz_says_why_not_yet()
    {
        var dir = Directory.CreateTempSubdirectory("aionis-health-").FullName;
        var registry = Path.Combine(dir, "task_registry.yml");
        await KeyRotationRegistry.WriteAsync(registry, "0 0 1 1 *");
        var monitored = new MonitoredServe();
        await using var serve = ServeProcess.Start(null, registry, "node-a", dir,
            monitored.Env(new() { ["ConnectionStrings__Aionis"] = $"Host=127.0.0.1;Port={FreeTcpPort.Next()};Username=postgres;Database=postgres" }));
        await serve.WaitUntilAsync(async () => (await monitored.GetAsync("/healthz")).Status == 200, TimeSpan.FromSeconds(30), "/healthz 200");

        var ready = await monitored.GetAsync("/readyz");

        Assert.Multiple(() =>
        {
            Assert.That(ready.Status, Is.EqualTo(503));
            Assert.That(Checks(ready.Body), Is.EquivalentTo(new Dictionary<string, string>
            {
                ["database"] = "unhealthy", ["registry"] = "unhealthy", ["scheduler"] = "unhealthy", ["cluster_checkin"] = "unhealthy",
            }), ready.Body);
        });
        Directory.Delete(dir, recursive: true);
    }

    private static Dictionary<string, string> Checks(string body) =>
        JsonNode.Parse(body)!["checks"]!.AsArray().ToDictionary(c => (string)c!["name"]!, c => (string)c!["status"]!);
}
