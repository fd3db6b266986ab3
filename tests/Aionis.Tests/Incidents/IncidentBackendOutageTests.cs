using System.Diagnostics;
using Aionis.Data.Incidents;
using Aionis.Jobs.Incidents;
using Aionis.Tests.Support;
using Aionis.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Aionis.Tests.Incidents;

/// <summary>
/// The <c>auto</c> backend against a PostgreSQL cluster of the test's own (stopping the shared one would break other
/// tests): writes go to JSONL while it is down and move into Postgres exactly once after it is back, even across a kill.
/// Alone: a 20,000-event move and two cluster restarts, whose deadlines a parallel run on a loaded machine exceeded.
/// </summary>
[NonParallelizable]
public sealed class IncidentBackendOutageTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private string _dir = null!;

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("aionis-incidents-").FullName;

    [TearDown]
    public void DeleteFolder()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string IncidentDir => Path.Combine(_dir, "incidents");

    private ServiceProvider Services(ProductionPostgres postgres, TimeProvider clock)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aionis"] = postgres.ConnectionString + ";Timeout=5",
            ["Worker:ArtifactsRoot"] = _dir,
            ["Worker:SpoolDirectory"] = Path.Combine(_dir, ".spool"),
            ["Incidents:Backend"] = "auto",
            ["Incidents:PostgresRetryAfter"] = "30s",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton(clock);
        services.AddWorker(configuration);
        return services.BuildServiceProvider();
    }

    private static NewIncident Incident(string title) => new("aionis-api", "P2", title) { Kind = "http_5xx" };

    [Test]
    public async Task Writes_during_an_outage_land_in_JSONL_and_are_in_Postgres_once_after_PostgresRetryAfter()
    {
        await using var postgres = await ProductionPostgres.StartAsync();
        var clock = new FakeTimeProvider(Start);
        await using var services = Services(postgres, clock);
        var log = services.GetRequiredService<IncidentLog>();
        var earlier = await log.CreateAsync(Incident("before the outage"), "op@host", CancellationToken.None);
        Assert.That(log.Backend, Is.EqualTo("postgres"));
        // The cluster runs with synchronous_commit=off and stops like a crash: flush the WAL so what was committed survives.
        await postgres.CountAsync("CHECKPOINT");

        await postgres.StopServerAsync();
        var a = await log.CreateAsync(Incident("during the outage"), "op@host", CancellationToken.None);
        Assert.That(log.Backend, Is.EqualTo("jsonl"));
        await log.AddEventAsync(a.Id, new IncidentChanges.EventDraft("note", "looking", "op@host", clock.GetUtcNow()), CancellationToken.None);
        await log.AddEventAsync(a.Id, new IncidentChanges.EventDraft("followup", "add an alert", "op@host", clock.GetUtcNow()) { Priority = "P1" }, CancellationToken.None);
        await log.CompleteFollowupAsync(a.Id, 2, CancellationToken.None);
        var notes = Path.Combine(_dir, "notes.md");
        await File.WriteAllTextAsync(notes, "# timeline\n");
        await log.AttachAsync(a.Id, notes, "op@host", CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(10));
        var b = await log.CreateAsync(Incident("second during the outage"), "op@host", CancellationToken.None);
        await log.CloseAsync(b.Id, "false alarm", "op@host", CancellationToken.None);

        await postgres.StartServerAsync();
        var c = await log.CreateAsync(Incident("back up, but before the retry time"), "op@host", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(log.Backend, Is.EqualTo("jsonl"), "Postgres is tried again only after PostgresRetryAfter");
            Assert.That(await postgres.CountAsync("SELECT count(*) FROM worker.incidents"), Is.EqualTo(1));
            Assert.That(File.Exists(Path.Combine(IncidentDir, "incidents.jsonl")), Is.True);
        });

        clock.Advance(TimeSpan.FromSeconds(31));
        var listed = await log.ListAsync(new IncidentQuery(), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(log.Backend, Is.EqualTo("postgres"));
            Assert.That(listed.Select(i => i.Id), Is.EquivalentTo(new[] { earlier.Id, a.Id, b.Id, c.Id }));
            Assert.That(await postgres.CountAsync("SELECT count(*) FROM worker.incidents"), Is.EqualTo(4));
            Assert.That(await postgres.CountAsync("SELECT count(*) FROM worker.incident_events WHERE incident_id = $1", a.Id), Is.EqualTo(2));
            Assert.That(await postgres.CountAsync("SELECT count(*) FROM worker.incident_events WHERE incident_id = $1 AND seq = 2 AND done_at IS NOT NULL", a.Id), Is.EqualTo(1));
            Assert.That(await postgres.CountAsync("SELECT count(*) FROM worker.incidents WHERE id = $1 AND status = 'closed'", b.Id), Is.EqualTo(1));
            Assert.That(await postgres.CountAsync("SELECT count(*) FROM worker.incident_artifacts WHERE incident_id = $1 AND name = 'notes.md'", a.Id), Is.EqualTo(1));
            Assert.That(File.Exists(Path.Combine(IncidentDir, a.Id, "notes.md")), Is.True, "the artifact file stays in its folder");
            Assert.That(new JsonlIncidentStore(IncidentDir).HasBacklog, Is.False, "the JSONL backlog is empty");
        });
    }

    [Test]
    public async Task A_worker_killed_during_the_move_leaves_nothing_lost_or_doubled_after_a_restart()
    {
        const int incidents = 200, eventsEach = 100;
        await using var postgres = await ProductionPostgres.StartAsync();
        var backlog = new JsonlIncidentStore(IncidentDir);
        Directory.CreateDirectory(IncidentDir);
        var records = Enumerable.Range(0, incidents)
            .Select(i => IncidentLog.Build(Incident($"backlog {i}"), "op@host", Start.AddMinutes(i)) with { Occurrences = eventsEach })
            .ToList();
        backlog.Append(JsonlIncidentStore.IncidentsFile, records);
        backlog.Append(JsonlIncidentStore.EventsFile, records.SelectMany(r => Enumerable.Range(1, eventsEach).Select(seq => new IncidentEvent
        {
            IncidentId = r.Id, Seq = seq, At = r.StartedAt.AddSeconds(seq), Type = "alert", Message = $"alert {seq}", Actor = "op@host",
        })));
        var env = AionisCli.EnvFor(null, _dir);
        env["ConnectionStrings__Aionis"] = postgres.ConnectionString;
        env["Incidents__Backend"] = "auto";

        using (var first = Process.Start(AionisCli.StartInfo(["incident", "list", "--limit", "1"], env))!)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await postgres.CountAsync("SELECT count(*) FROM worker.incident_events") == 0 && !first.HasExited)
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the move never started");
                await Task.Delay(5);
            }
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }
        var atKill = await postgres.CountAsync("SELECT count(*) FROM worker.incident_events");
        Assert.Multiple(() =>
        {
            Assert.That(atKill, Is.GreaterThan(0).And.LessThan(incidents * eventsEach), "killed in the middle of the move");
            Assert.That(backlog.HasBacklog, Is.True, "the backlog stays until everything is in");
        });

        var restart = await AionisCli.RunAsync(["incident", "list", "--limit", "1"], env);

        Assert.Multiple(async () =>
        {
            Assert.That(restart.ExitCode, Is.EqualTo(0), restart.Stderr);
            Assert.That(await postgres.CountAsync("SELECT count(*) FROM worker.incidents"), Is.EqualTo(incidents));
            Assert.That(await postgres.CountAsync("SELECT count(*) FROM worker.incident_events"), Is.EqualTo(incidents * eventsEach));
            Assert.That(await postgres.CountAsync("SELECT count(DISTINCT (incident_id, seq)) FROM worker.incident_events"), Is.EqualTo(incidents * eventsEach));
            Assert.That(await postgres.CountAsync("SELECT count(*) FROM worker.incidents WHERE occurrences <> $1", eventsEach), Is.EqualTo(0));
            Assert.That(backlog.HasBacklog, Is.False);
        });
    }
}
