using Aionis.Tests.Support;

namespace Aionis.Tests.Incidents;

/// <summary>incident-alert-triage on real Postgres: dedupe window, escalation thresholds, per-run caps, two nodes, dry run.</summary>
public sealed class AlertTriageJobTests : DatabaseJobTest
{
    protected override DateTimeOffset Now => new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, object?> OperatorOnly = new() { ["sources"] = "operator" };

    private Task<Aionis.Worker.Running.RunResult> TriageAsync(WorkerHarness? worker = null, bool dryRun = false) =>
        (worker ?? Worker).RunAsync("incident-alert-triage", new Dictionary<string, object?>(OperatorOnly), dryRun, taskId: "incident_alert_triage");

    private Task<List<Dictionary<string, object?>>> IncidentsAsync() =>
        Db.RowsAsync("SELECT id, severity, status, occurrences, kind, service, created_by FROM worker.incidents ORDER BY started_at, id");

    private Task<List<Dictionary<string, object?>>> EventsAsync(object id) =>
        Db.RowsAsync("SELECT seq, type, message, priority, owner, due_at FROM worker.incident_events WHERE incident_id = $1 ORDER BY seq", id);

    [Test]
    public async Task An_alert_opens_a_P2_incident_and_escalates_at_10_and_25_occurrences_in_60_minutes_not_at_9_or_24()
    {
        await Db.SetOperatorAlertAsync("database_backup_nightly", 1, Now);
        var first = await TriageAsync();
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Error);
        var incident = (await IncidentsAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(incident["severity"], Is.EqualTo("P2"));
            Assert.That(incident["kind"], Is.EqualTo("job_failure"));
            Assert.That(incident["service"], Is.EqualTo("aionis-worker"));
            Assert.That(incident["created_by"], Is.EqualTo("task:incident_alert_triage"));
        });

        async Task<string> OccurrencesAsync(int total)
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            await Db.SetOperatorAlertAsync("database_backup_nightly", total, Now);
            var run = await TriageAsync();
            Assert.That(run.ExitCode, Is.EqualTo(0), run.Error);
            return (string)(await IncidentsAsync()).Single()["severity"]!;
        }

        Assert.That(await OccurrencesAsync(9), Is.EqualTo("P2"), "9 occurrences in 60 min: no escalation");
        Assert.That(await OccurrencesAsync(10), Is.EqualTo("P1"), "10 occurrences: P2 → P1");
        Assert.That(await OccurrencesAsync(24), Is.EqualTo("P1"), "24 occurrences: still P1");
        Assert.That(await OccurrencesAsync(25), Is.EqualTo("P0"), "25 occurrences: P1 → P0");

        var final = (await IncidentsAsync()).Single();
        var events = await EventsAsync(final["id"]!);
        Assert.Multiple(() =>
        {
            Assert.That(final["occurrences"], Is.EqualTo(25));
            Assert.That(events.Where(e => (string)e["type"]! == "alert").Count(), Is.EqualTo(5));
            Assert.That(events.Where(e => (string)e["type"]! == "decision").Select(e => e["message"]),
                Is.EqualTo(new[] { "escalated P2 → P1: 10 occurrences in 1h", "escalated P1 → P0: 25 occurrences in 1h" }));
            var followups = events.Where(e => (string)e["type"]! == "followup").ToList();
            Assert.That(followups, Has.Count.EqualTo(2));
            Assert.That(followups.Select(f => f["priority"]), Is.All.EqualTo("P1"));
            Assert.That(followups.Select(f => f["owner"]), Is.All.EqualTo("oncall"));
            Assert.That(followups[0]["due_at"], Is.EqualTo(Now.AddMinutes(2).AddHours(24).UtcDateTime), "due 24 h after the P1 escalation (the second minute)");
        });
    }

    [Test]
    public async Task Occurrences_older_than_60_minutes_do_not_count_towards_escalation()
    {
        await Db.SetOperatorAlertAsync("key_rotation_sla", 5, Now);
        await TriageAsync();
        Clock.Advance(TimeSpan.FromMinutes(61));
        await Db.SetOperatorAlertAsync("key_rotation_sla", 10, Now);
        await TriageAsync();

        var incident = (await IncidentsAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(incident["occurrences"], Is.EqualTo(10), "the repeat is inside the 120 min dedupe window");
            Assert.That(incident["severity"], Is.EqualTo("P2"), "only 5 occurrences in the last 60 min");
        });
    }

    [Test]
    public async Task A_repeat_inside_the_dedupe_window_is_an_occurrence_and_one_outside_opens_a_new_incident()
    {
        await Db.SetOperatorAlertAsync("alert_dispatch", 1, Now);
        await TriageAsync();
        Clock.Advance(TimeSpan.FromMinutes(119));
        await Db.SetOperatorAlertAsync("alert_dispatch", 2, Now);
        var inside = WorkerHarness.SummaryJson(await TriageAsync());
        Assert.That(inside.GetProperty("alerts_deduplicated").GetInt32(), Is.EqualTo(1));
        Assert.That(await IncidentsAsync(), Has.Count.EqualTo(1), "119 min after the last alert: the same incident");

        Clock.Advance(TimeSpan.FromMinutes(121));
        await Db.SetOperatorAlertAsync("alert_dispatch", 3, Now);
        var outside = WorkerHarness.SummaryJson(await TriageAsync());

        var incidents = await IncidentsAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(outside.GetProperty("incidents_created").GetInt32(), Is.EqualTo(1));
            Assert.That(incidents, Has.Count.EqualTo(2), "121 min after the last alert: a new incident");
            Assert.That(incidents.Select(i => i["occurrences"]), Is.EqualTo(new[] { 2, 1 }));
            var notes = (await EventsAsync(incidents[0]["id"]!)).Where(e => (string)e["type"]! == "note").ToList();
            Assert.That(notes, Has.Count.EqualTo(1), "the first incident, quiet for 121 min, is an auto-resolve candidate");
            Assert.That((string)notes[0]["message"]!, Does.StartWith("auto-resolve candidate: no alert for 1h"));
            Assert.That(incidents[0]["status"], Is.EqualTo("open"), "closing stays manual without auto_close");
        });

        Clock.Advance(TimeSpan.FromMinutes(5));
        await TriageAsync();
        Assert.That((await EventsAsync(incidents[0]["id"]!)).Count(e => (string)e["type"]! == "note"), Is.EqualTo(1), "one note per quiet spell");
    }

    [Test]
    public async Task Each_run_reads_at_most_25_alerts_and_creates_at_most_5_incidents_the_rest_waits()
    {
        for (var i = 0; i < 30; i++) await Db.SetOperatorAlertAsync($"task_{i:00}", 1, Now);

        var first = WorkerHarness.SummaryJson(await TriageAsync());
        Assert.Multiple(async () =>
        {
            Assert.That(first.GetProperty("alerts_collected").GetInt32(), Is.EqualTo(30));
            Assert.That(first.GetProperty("alerts_read").GetInt32(), Is.EqualTo(25));
            Assert.That(first.GetProperty("incidents_created").GetInt32(), Is.EqualTo(5));
            Assert.That(first.GetProperty("alerts_deferred").GetInt32(), Is.EqualTo(20));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.incident_alert_inbox WHERE triaged_at IS NULL"), Is.EqualTo(25));
        });

        for (var run = 2; run <= 6; run++)
        {
            Clock.Advance(TimeSpan.FromMinutes(5));
            var summary = WorkerHarness.SummaryJson(await TriageAsync());
            Assert.That(summary.GetProperty("incidents_created").GetInt32(), Is.EqualTo(5), $"run {run}");
        }
        Assert.Multiple(async () =>
        {
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.incidents"), Is.EqualTo(30));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.incident_alert_inbox WHERE triaged_at IS NULL"), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task Two_nodes_triaging_the_same_database_at_once_triage_every_alert_exactly_once()
    {
        const int tasks = 12;
        for (var i = 0; i < tasks; i++) await Db.SetOperatorAlertAsync($"task_{i:00}", 1, Now);
        await using var other = new WorkerHarness(Db, new Dictionary<string, string?> { ["Worker:NodeName"] = "node-b" }, Clock);

        async Task RunBothUntilDrainedAsync()
        {
            for (var round = 0; round < 10 && await Db.ScalarAsync<long>("SELECT count(*) FROM worker.incident_alert_inbox WHERE triaged_at IS NULL") + (round == 0 ? 1 : 0) > 0; round++)
            {
                var results = await Task.WhenAll(TriageAsync(), TriageAsync(other));
                Assert.That(results.Select(r => r.ExitCode), Is.All.EqualTo(0), string.Join("; ", results.Select(r => r.Error)));
            }
        }

        await RunBothUntilDrainedAsync();
        Clock.Advance(TimeSpan.FromMinutes(5));
        for (var i = 0; i < tasks; i++) await Db.SetOperatorAlertAsync($"task_{i:00}", 2, Now);
        await RunBothUntilDrainedAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.incidents"), Is.EqualTo(tasks), "one incident per task, never two");
            Assert.That(await Db.ScalarAsync<long>("SELECT count(DISTINCT signature) FROM worker.incidents"), Is.EqualTo(tasks));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.incident_alert_inbox"), Is.EqualTo(2 * tasks));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.incident_alert_inbox WHERE triaged_at IS NULL"), Is.EqualTo(0));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.incident_events WHERE type = 'alert'"), Is.EqualTo(2 * tasks),
                "each alert became exactly one alert event");
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.incidents WHERE occurrences <> 2"), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task A_tenant_event_from_the_alert_detector_opens_an_incident_capped_by_the_default_policy()
    {
        await Db.AddKeyAsync("acme", "ak_stale", Now.AddDays(-45));

        var result = await Worker.RunAsync("incident-alert-triage", new Dictionary<string, object?>
        {
            ["sources"] = "tenant",
            ["tenants"] = "acme",
            ["event-types"] = "key_rotation_sla_failed",
        }, taskId: "incident_alert_triage");

        var incident = (await Db.RowsAsync("SELECT service, kind, severity, title FROM worker.incidents")).Single();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That(incident["service"], Is.EqualTo("aionis-control-plane"));
            Assert.That(incident["kind"], Is.EqualTo("key_rotation_sla_failed"));
            Assert.That(incident["severity"], Is.EqualTo("P2"), "a critical event proposes P1; the default policy caps key rotation at P2");
            Assert.That(incident["title"], Is.EqualTo("tenant acme has 1 stale active key(s)"));
        });
    }

    [Test]
    public async Task A_policy_rule_without_create_triages_the_alert_as_ignored()
    {
        var policy = Path.Combine(Worker.ArtifactsRoot, "policy.yml");
        await File.WriteAllTextAsync(policy, """
            version: 1
            rules:
              - name: quiet-staging
                match: { env: staging }
                create: false
            """);
        await using var worker = new WorkerHarness(Db, new Dictionary<string, string?> { ["Incidents:PolicyFile"] = policy }, Clock);
        await Db.SetOperatorAlertAsync("alert_dispatch", 1, Now);

        var result = await worker.RunAsync("incident-alert-triage", new Dictionary<string, object?> { ["sources"] = "operator", ["env"] = "staging" });
        var summary = WorkerHarness.SummaryJson(result);

        Assert.Multiple(async () =>
        {
            Assert.That(summary.GetProperty("alerts_ignored").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("alerts").EnumerateArray().Single().GetProperty("rule").GetString(), Is.EqualTo("quiet-staging"));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.incidents"), Is.EqualTo(0));
            Assert.That(await Db.ScalarAsync<string>("SELECT outcome FROM worker.incident_alert_inbox"), Is.EqualTo("ignored"));
        });
    }

    [Test]
    public async Task A_dry_run_reports_what_it_would_do_and_leaves_the_database_and_the_incident_folder_byte_identical()
    {
        await Db.SetOperatorAlertAsync("database_backup_nightly", 1, Now);
        await TriageAsync();
        Clock.Advance(TimeSpan.FromMinutes(3));
        await Db.SetOperatorAlertAsync("database_backup_nightly", 12, Now);
        await Db.SetOperatorAlertAsync("alert_dispatch", 1, Now);
        var folder = Path.Combine(Worker.ArtifactsRoot, "incidents");
        var before = (await Db.IncidentFingerprintAsync(), IncidentRows.FolderFingerprint(folder));

        var dry = await TriageAsync(dryRun: true);
        var summary = WorkerHarness.SummaryJson(dry);

        Assert.Multiple(async () =>
        {
            Assert.That(dry.ExitCode, Is.EqualTo(0), dry.Error);
            Assert.That(summary.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("incidents_created").GetInt32(), Is.EqualTo(1), "would open one for alert_dispatch");
            Assert.That(summary.GetProperty("alerts_deduplicated").GetInt32(), Is.EqualTo(1));
            Assert.That(summary.GetProperty("escalations").GetArrayLength(), Is.EqualTo(1), "12 occurrences would escalate P2 → P1");
            Assert.That((await Db.IncidentFingerprintAsync(), IncidentRows.FolderFingerprint(folder)), Is.EqualTo(before));
        });

        var live = WorkerHarness.SummaryJson(await TriageAsync());
        Assert.That(live.GetProperty("incidents_created").GetInt32(), Is.EqualTo(1), "negative control: the live run does change things");
        Assert.That(await Db.IncidentFingerprintAsync(), Is.Not.EqualTo(before.Item1));
    }
}
