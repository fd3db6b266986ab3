using Aionis.Tests.Support;

namespace Aionis.Tests.Production;

/// <summary>
/// Postgres goes away while serve runs a task and comes back: the worker stays up, the run in flight reaches history
/// through the spool, and later fires succeed. On a cluster of the test's own, which it stops and starts.
/// </summary>
public sealed class OutageTests
{
    [Test]
    public async Task Serve_survives_a_database_outage_spools_the_run_in_flight_and_fires_again_afterwards()
    {
        await using var postgres = await ProductionPostgres.StartAsync();
        var dir = Directory.CreateTempSubdirectory("aionis-outage-").FullName;
        var spool = Path.Combine(dir, ".spool");
        var registry = Path.Combine(dir, "task_registry.yml");
        await KeyRotationRegistry.WriteAsync(registry, "0/3 * * * * ?", KeyRotationRegistry.RecoverableStrict);
        var keys = await TableLock.HoldAsync(postgres.ConnectionString);
        await using var serve = ServeProcess.Start(null, registry, "node-a", dir,
            new Dictionary<string, string?> { ["ConnectionStrings__Aionis"] = postgres.ConnectionString });

        await serve.WaitUntilAsync(async () => await postgres.CountAsync("SELECT count(*) FROM worker.job_runs WHERE status = 'running'") == 1,
            TimeSpan.FromSeconds(60), "a run blocked in flight");
        var inFlight = await postgres.ScalarGuidAsync("SELECT run_id FROM worker.job_runs WHERE status = 'running'");

        await postgres.StopServerAsync();
        await keys.DisposeAsync();
        await serve.WaitUntilAsync(() => Task.FromResult(File.Exists(Path.Combine(spool, $"{inFlight:N}.json"))),
            TimeSpan.FromSeconds(30), "the run in flight to be spooled");
        // The outage goes on past the spool: serve keeps trying (and failing) to reach the database, alive.
        var spooledAt = serve.Output.Length;
        await serve.WaitUntilAsync(() => Task.FromResult(serve.Output[spooledAt..].Contains("Failed to connect to", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "a later attempt to reach the database");
        var aliveDuringOutage = !serve.HasExited;

        var restartedAt = DateTimeOffset.UtcNow;
        await postgres.StartServerAsync();
        await serve.WaitUntilAsync(async () => await postgres.CountAsync(
            "SELECT count(*) FROM worker.job_runs WHERE run_id = $1 AND status = 'failed'", inFlight) == 1,
            TimeSpan.FromSeconds(60), "the spooled run to reach history");
        await serve.WaitUntilAsync(async () => await postgres.CountAsync(
            "SELECT count(*) FROM worker.job_runs WHERE started_at > $1 AND status IN ('succeeded', 'gate_failed')", restartedAt) >= 1,
            TimeSpan.FromSeconds(60), "a fire after the outage to succeed");

        Assert.Multiple(() =>
        {
            Assert.That(aliveDuringOutage, Is.True, serve.Output);
            Assert.That(serve.HasExited, Is.False, serve.Output);
            Assert.That(Directory.GetFiles(spool, "*.json"), Is.Empty, "the spool is written back");
            Assert.That(serve.Output, Does.Contain("(database unreachable: Failed to connect to"), "the outage is logged");
            Assert.That(serve.Output, Does.Not.Contain(" at Npgsql."), "an unreachable database is logged without stack traces");
        });
        Directory.Delete(dir, recursive: true);
    }
}
