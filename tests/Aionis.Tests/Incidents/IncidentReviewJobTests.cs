using System.Text.Json;
using Aionis.Tests.Support;

namespace Aionis.Tests.Incidents;

/// <summary>incident-correlate scores, incident-followups-summary gate, incident-stale-review and incident-retention.</summary>
public sealed class IncidentReviewJobTests : DatabaseJobTest
{
    protected override DateTimeOffset Now => new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private async Task<JsonElement> RunAsync(string job, Dictionary<string, object?> options, int exitCode = 0, bool dryRun = false)
    {
        var result = await Worker.RunAsync(job, options, dryRun);
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.Error);
        return WorkerHarness.SummaryJson(result);
    }

    [Test]
    public async Task Correlation_scores_each_rule_alone_and_summed_and_keeps_scores_of_at_least_20()
    {
        var at = Now.AddHours(-5);
        var target = await Db.AddIncidentAsync("api", "http_5xx", "P1", at, fingerprint: "a");
        // Same signature, 5 h apart: 100 (signature) + 60 (service and kind).
        var sameSignature = await Db.AddIncidentAsync("api", "http_5xx", "P2", at.AddHours(-5), fingerprint: "a");
        // Same signature within 180 min: 100 + 60 + 40.
        var sameSignatureClose = await Db.AddIncidentAsync("api", "http_5xx", "P2", at.AddMinutes(90), fingerprint: "a");
        // Same service and kind, another fingerprint, 10 days earlier: 60.
        var serviceKind = await Db.AddIncidentAsync("api", "http_5xx", "P3", at.AddDays(-10), fingerprint: "b");
        // Same service, another kind, within 180 min: 40.
        var serviceClose = await Db.AddIncidentAsync("api", "latency", "P3", at.AddMinutes(-170), fingerprint: "c");
        // Same kind on another service within 120 min: 30.
        var kindElsewhere = await Db.AddIncidentAsync("gateway", "http_5xx", "P2", at.AddMinutes(110), fingerprint: "d");
        // Negative controls: same kind elsewhere 130 min apart (0); same service 190 min apart, other kind (0); 31 days ago (out of the window).
        await Db.AddIncidentAsync("gateway", "http_5xx", "P2", at.AddMinutes(-130), fingerprint: "e");
        await Db.AddIncidentAsync("api", "disk", "P2", at.AddMinutes(190), fingerprint: "f");
        await Db.AddIncidentAsync("api", "http_5xx", "P2", Now.AddDays(-31), fingerprint: "a");

        var summary = await RunAsync("incident-correlate", new() { ["incident-id"] = target.Id, ["append-note"] = "true" });
        var related = summary.GetProperty("incidents").EnumerateArray().Single().GetProperty("related").EnumerateArray()
            .Select(r => (r.GetProperty("id").GetString(), r.GetProperty("score").GetInt32(), string.Join("+", r.GetProperty("rules").EnumerateArray().Select(x => x.GetString()))))
            .ToList();

        Assert.Multiple(async () =>
        {
            Assert.That(related, Is.EqualTo(new[]
            {
                (sameSignatureClose.Id, 200, "same_signature+same_service_and_kind+same_service_within_180m"),
                (sameSignature.Id, 160, "same_signature+same_service_and_kind"),
                (serviceKind.Id, 60, "same_service_and_kind"),
                (serviceClose.Id, 40, "same_service_within_180m"),
                (kindElsewhere.Id, 30, "same_kind_other_service_within_120m"),
            }));
            var note = await Db.ScalarAsync<string>("SELECT message FROM worker.incident_events WHERE incident_id = $1 AND type = 'note'", target.Id);
            Assert.That(note, Does.StartWith($"correlation: 5 related: {sameSignatureClose.Id} (200: same_signature+"));
        });
    }

    [Test]
    public async Task Correlation_in_a_dry_run_writes_no_note()
    {
        var target = await Db.AddIncidentAsync("api", "http_5xx", "P1", Now.AddHours(-1));
        var before = await Db.IncidentFingerprintAsync();

        var summary = await RunAsync("incident-correlate", new() { ["incident-id"] = target.Id, ["append-note"] = "true" }, dryRun: true);

        Assert.Multiple(async () =>
        {
            Assert.That(summary.GetProperty("incidents").EnumerateArray().Single().GetProperty("note_seq").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(await Db.IncidentFingerprintAsync(), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task The_followups_summary_gates_with_exit_2_on_open_followups_or_open_P0_P1_incidents()
    {
        var clean = await RunAsync("incident-followups-summary", new() { ["strict"] = "true" });
        Assert.That(clean.GetProperty("ok").GetBoolean(), Is.True, "negative control: nothing open passes the gate");

        var p2 = await Db.AddIncidentAsync("api", "x", "P2", Now.AddDays(-2));
        await Db.AddFollowupAsync(p2.Id, 1, Now.AddDays(-2), dueAt: Now.AddHours(-1));
        await Db.AddFollowupAsync(p2.Id, 2, Now.AddDays(-2), dueAt: Now.AddHours(5));
        await Db.AddFollowupAsync(p2.Id, 3, Now.AddDays(-2), dueAt: Now.AddHours(-5), doneAt: Now.AddHours(-6));
        await Db.AddIncidentAsync("db", "y", "P1", Now.AddHours(-3));
        await Db.AddIncidentAsync("db", "y", "P0", Now.AddHours(-3), resolvedAt: Now.AddHours(-1));

        var gated = await RunAsync("incident-followups-summary", new() { ["strict"] = "true" }, exitCode: 2);
        var onlyApi = await RunAsync("incident-followups-summary", new() { ["service"] = "api" });

        Assert.Multiple(() =>
        {
            Assert.That((gated.GetProperty("open_followups").GetInt32(), gated.GetProperty("overdue_followups").GetInt32(), gated.GetProperty("open_urgent_incidents").GetInt32()),
                Is.EqualTo((2, 1, 1)));
            Assert.That(onlyApi.GetProperty("open_urgent_incidents").GetInt32(), Is.EqualTo(0));
            Assert.That(onlyApi.GetProperty("open_followups").GetInt32(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Stale_review_lists_open_incidents_without_an_event_for_24_hours()
    {
        var stale = await Db.AddIncidentAsync("api", "x", "P2", Now.AddHours(-25));
        await Db.AddIncidentAsync("api", "x", "P2", Now.AddHours(-23));
        await Db.AddIncidentAsync("api", "x", "P2", Now.AddHours(-40), resolvedAt: Now.AddHours(-39));

        var summary = await RunAsync("incident-stale-review", new() { ["strict"] = "true" }, exitCode: 2);

        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("stale").EnumerateArray().Select(s => s.GetProperty("id").GetString()), Is.EqualTo(new[] { stale.Id }));
            Assert.That(summary.GetProperty("stale")[0].GetProperty("hours_quiet").GetDouble(), Is.EqualTo(25.0));
        });
    }

    [Test]
    public async Task Retention_deletes_old_closed_incidents_with_events_and_folders_in_batches_and_a_dry_run_deletes_nothing()
    {
        var old = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var incident = await Db.AddIncidentAsync("api", "x", "P2", Now.AddDays(-300), closedAt: Now.AddDays(-200 + i));
            await Db.AddFollowupAsync(incident.Id, 1, Now.AddDays(-300), dueAt: null);
            Directory.CreateDirectory(Path.Combine(Worker.ArtifactsRoot, "incidents", incident.Id));
            await File.WriteAllTextAsync(Path.Combine(Worker.ArtifactsRoot, "incidents", incident.Id, "notes.md"), "x");
            old.Add(incident.Id);
        }
        var recentClosed = await Db.AddIncidentAsync("api", "x", "P2", Now.AddDays(-100), closedAt: Now.AddDays(-90));
        var oldButOpen = await Db.AddIncidentAsync("api", "x", "P2", Now.AddDays(-400));
        var folder = Path.Combine(Worker.ArtifactsRoot, "incidents");
        var before = (await Db.IncidentFingerprintAsync(), IncidentRows.FolderFingerprint(folder));

        var dry = await RunAsync("incident-retention", new() { ["batch-limit"] = "2" }, dryRun: true);
        Assert.Multiple(async () =>
        {
            Assert.That(dry.GetProperty("eligible").GetInt64(), Is.EqualTo(5));
            Assert.That(dry.GetProperty("total_deleted").GetInt64(), Is.EqualTo(0));
            Assert.That((await Db.IncidentFingerprintAsync(), IncidentRows.FolderFingerprint(folder)), Is.EqualTo(before));
        });

        var live = await RunAsync("incident-retention", new() { ["batch-limit"] = "2" });
        Assert.Multiple(async () =>
        {
            Assert.That(live.GetProperty("passes").EnumerateArray().Select(p => p.GetProperty("deleted").GetInt32()), Is.EqualTo(new[] { 2, 2, 1 }));
            Assert.That(live.GetProperty("folders_deleted").GetInt32(), Is.EqualTo(5));
            Assert.That((await Db.RowsAsync("SELECT id FROM worker.incidents ORDER BY id")).Select(r => r["id"]), Is.EquivalentTo(new[] { recentClosed.Id, oldButOpen.Id }));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.incident_events WHERE incident_id = ANY($1)", (object)old.ToArray()), Is.EqualTo(0));
            Assert.That(old.Any(id => Directory.Exists(Path.Combine(folder, id))), Is.False);
        });
    }
}
