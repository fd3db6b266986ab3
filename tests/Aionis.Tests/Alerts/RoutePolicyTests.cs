using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aionis.Jobs.Alerts;

namespace Aionis.Tests.Alerts;

/// <summary>Alert dispatch policy cases (quiet windows, day 7 is Sunday: docs/jobs/alerts.md), and the signature known answer.</summary>
public sealed class RoutePolicyTests
{
    private const string DocPolicy = """
        {"severity_thresholds":{"key_usage_anomaly":{"warning_anomalies":1,"critical_anomalies":5},
          "key_rotation_sla_failed":{"warning_stale_count":1,"critical_stale_count":3,"warning_no_recent_rotation":true},
          "incident_publish_slo_degraded":{"warning_signals":1,"critical_signals":2,"critical_dead_letter_backlog":50}},
         "quiet_windows":[{"days":[1,2,3,4,5],"start":"00:00","end":"07:00","timezone":"UTC","mode":"warning_only"}],
         "dedupe":{"key":"{{tenant_id}}:{{event_type}}:{{severity}}:{{route_id}}","ttl_seconds":1800}}
        """;

    private static readonly DateTimeOffset Tuesday = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Saturday = new(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);

    private static RoutePolicy Policy(string json) => RoutePolicy.Parse(JsonDocument.Parse(json).RootElement);

    private static AlertEvent Event(string type, string severity, JsonObject payload) => new(type, "summary", severity, payload);

    [Test]
    public void Webhook_signature_matches_the_reference_known_answer() =>
        Assert.That(AlertSignature.Compute("hmac_shared_secret", 1700000000, Encoding.UTF8.GetBytes("""{"a":1}""")),
            Is.EqualTo("196c068bac16b2ab9195fa16140722f7af8b1821dbe99275d56a8000a4cd258c"));

    [TestCase(6, "critical")]
    [TestCase(5, "critical")]
    [TestCase(3, "warning")]
    [TestCase(1, "warning")]
    public void Key_usage_anomalies_are_graded_by_the_route_thresholds(int anomalies, string expected) =>
        Assert.That(Policy(DocPolicy).GradeSeverity(Event(AlertEventTypes.KeyUsageAnomaly, "warning", new JsonObject { ["anomalies_count"] = anomalies })),
            Is.EqualTo(expected));

    [TestCase(2, true, "warning")]
    [TestCase(3, true, "critical")]
    [TestCase(0, false, "warning")]
    public void Stale_keys_and_missing_rotation_are_graded_by_the_route_thresholds(int stale, bool rotated, string expected)
    {
        var payload = new JsonObject { ["stale_count_for_tenant"] = stale, ["tenant_without_recent_rotation"] = rotated ? null : new JsonObject { ["tenant_id"] = "acme" } };
        Assert.That(Policy(DocPolicy).GradeSeverity(Event(AlertEventTypes.KeyRotationSlaFailed, "critical", payload)), Is.EqualTo(expected));
    }

    [Test]
    public void No_stale_keys_with_warning_no_recent_rotation_off_is_below_the_route_threshold()
    {
        var policy = Policy("""{"severity_thresholds":{"key_rotation_sla_failed":{"warning_no_recent_rotation":"false"}}}""");
        var payload = new JsonObject { ["stale_count_for_tenant"] = 0, ["tenant_without_recent_rotation"] = new JsonObject { ["tenant_id"] = "acme" } };
        Assert.That(policy.GradeSeverity(Event(AlertEventTypes.KeyRotationSlaFailed, "warning", payload)), Is.Null);
    }

    [TestCase(1, 0, 0, "warning")]
    [TestCase(2, 2, 0, "critical")]
    [TestCase(1, 1, 50, "critical")]
    [TestCase(0, 0, 49, null)]
    public void Incident_slo_signals_and_dead_letter_backlog_are_graded_by_the_route_thresholds(int warnings, int criticals, int deadLetters, string? expected)
    {
        var payload = new JsonObject { ["warning_signal_count"] = warnings, ["critical_signal_count"] = criticals, ["dead_letter_backlog"] = deadLetters };
        Assert.That(Policy(DocPolicy).GradeSeverity(Event(AlertEventTypes.IncidentPublishSloDegraded, "warning", payload)), Is.EqualTo(expected));
    }

    [Test]
    public void Without_thresholds_for_the_event_the_base_severity_stands() =>
        Assert.That(Policy("{}").GradeSeverity(Event(AlertEventTypes.KeyUsageAnomaly, "warning", new JsonObject { ["anomalies_count"] = 1 })),
            Is.EqualTo("warning"));

    [Test]
    public void The_weekday_window_matches_tuesday_3am_and_half_past_midnight_but_not_saturday()
    {
        var policy = Policy(DocPolicy);
        Assert.Multiple(() =>
        {
            Assert.That(policy.QuietWindowAt(Tuesday.AddHours(3))?.Mode, Is.EqualTo(QuietWindow.WarningOnly));
            Assert.That(policy.QuietWindowAt(Tuesday.AddMinutes(30))?.Mode, Is.EqualTo(QuietWindow.WarningOnly), "00:30 is minute 30, not 23:30");
            Assert.That(policy.QuietWindowAt(Tuesday.AddHours(7)), Is.Null, "the end is exclusive");
            Assert.That(policy.QuietWindowAt(Saturday.AddHours(3)), Is.Null);
        });
    }

    [Test]
    public void A_window_across_midnight_suppresses_at_23_00_and_05_59_but_not_06_00()
    {
        var policy = Policy("""{"quiet_windows":[{"start":"22:00","end":"06:00","mode":"suppress"}]}""");
        Assert.Multiple(() =>
        {
            Assert.That(policy.QuietWindowAt(Tuesday.AddHours(23))?.Mode, Is.EqualTo(QuietWindow.Suppress));
            Assert.That(policy.QuietWindowAt(Tuesday.AddHours(5).AddMinutes(59))?.Mode, Is.EqualTo(QuietWindow.Suppress));
            Assert.That(policy.QuietWindowAt(Tuesday.AddHours(6)), Is.Null);
            Assert.That(policy.QuietWindowAt(Tuesday.AddHours(21).AddMinutes(59)), Is.Null);
        });
    }

    [Test]
    public void Windows_use_their_time_zone_and_day_7_is_sunday()
    {
        var berlinEvenings = Policy("""{"quiet_windows":[{"days":[7],"start":"20:00","end":"21:00","timezone":"Europe/Berlin"}]}""");
        var sunday = new DateTimeOffset(2026, 11, 29, 19, 30, 0, TimeSpan.Zero);
        Assert.Multiple(() =>
        {
            Assert.That(berlinEvenings.QuietWindowAt(sunday), Is.Not.Null, "19:30Z is 20:30 in Berlin on a Sunday");
            Assert.That(berlinEvenings.QuietWindowAt(sunday.AddDays(-1)), Is.Null, "day 7 is Sunday, not Saturday");
        });
    }

    [Test]
    public void An_unknown_time_zone_makes_the_policy_invalid_instead_of_utc() =>
        Assert.That(() => Policy("""{"quiet_windows":[{"timezone":"Mars/Olympus"}]}"""),
            Throws.TypeOf<RoutePolicyException>().With.Message.Contains("Mars/Olympus"));

    [TestCase("""{"dedupe":{"ttl_seconds":30}}""", 60)]
    [TestCase("""{"dedupe":{"ttl_seconds":99999999}}""", 604800)]
    [TestCase("{}", 1800)]
    public void Dedupe_ttl_is_clamped_to_60_seconds_through_7_days(string json, int expected) =>
        Assert.That(Policy(json).DedupeTtlSeconds, Is.EqualTo(expected));

    [Test]
    public void Dedupe_keys_render_known_variables_case_sensitively_and_unknown_ones_as_empty()
    {
        var policy = Policy("""{"dedupe":{"key":"{{tenant_id}}/{{SEVERITY}}/{{nope}}/{{channel}}"}}""");
        Assert.That(policy.DedupeKey(new Dictionary<string, string> { ["tenant_id"] = "acme", ["severity"] = "warning", ["channel"] = "webhook" }),
            Is.EqualTo("acme///webhook"));
    }
}
