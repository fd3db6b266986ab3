using System.Text.Json;
using Aionis.Jobs.Incidents;
using Aionis.Tests.Support;

namespace Aionis.Tests.Incidents;

/// <summary>incident-weekly-digest: a fixed week of incidents with every figure computed by hand, recurrence levels, ISO weeks, caps.</summary>
public sealed class WeeklyDigestJobTests : DatabaseJobTest
{
    protected override DateTimeOffset Now => new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.Zero);

    private string OutDir => Path.Combine(Worker.ArtifactsRoot, "digests");

    private async Task<JsonElement> DigestAsync(string week = "2026-W47")
    {
        var result = await Worker.RunAsync("incident-weekly-digest", new Dictionary<string, object?> { ["week"] = week, ["out-dir"] = OutDir });
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        return JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(OutDir, $"{week.Replace("-W", "-")}.json"))).RootElement;
    }

    /// <summary>
    /// 2026-W47 is Mon 16 Nov .. Sun 22 Nov. A, B, D share a signature (api/http_5xx/"a"); H has it too, three weeks earlier.
    /// E was opened the week before and resolved in this one; F is older and still open; G starts the next Monday.
    /// </summary>
    private async Task<Dictionary<string, string>> ArrangeWeekAsync()
    {
        var a = await Db.AddIncidentAsync("api", "http_5xx", "P1", At(16, 10), resolvedAt: At(16, 11), fingerprint: "a");
        var b = await Db.AddIncidentAsync("api", "http_5xx", "P2", At(17, 9), resolvedAt: At(17, 12), fingerprint: "a");
        var c = await Db.AddIncidentAsync("db", "disk_full", "P0", At(18, 8), resolvedAt: At(19, 8), fingerprint: "c", occurrences: 4);
        var d = await Db.AddIncidentAsync("api", "http_5xx", "P3", At(20, 23, 30), fingerprint: "a");
        var e = await Db.AddIncidentAsync("worker", "job_failure", "P2", At(10, 0), resolvedAt: At(17, 0), fingerprint: "e");
        var f = await Db.AddIncidentAsync("worker", "job_failure", "P2", At(12, 0), fingerprint: "e");
        await Db.AddIncidentAsync("api", "http_5xx", "P1", At(23, 0), fingerprint: "a");
        await Db.AddIncidentAsync("api", "http_5xx", "P2", At(1, 0), resolvedAt: At(2, 0), fingerprint: "a");
        await Db.AddFollowupAsync(a.Id, 1, At(16, 11), dueAt: At(18, 0), doneAt: At(17, 0));
        await Db.AddFollowupAsync(c.Id, 1, At(18, 9), dueAt: At(20, 0));
        await Db.AddFollowupAsync(d.Id, 1, At(21, 0), dueAt: At(25, 0));
        await Db.AddFollowupAsync(f.Id, 1, At(22, 0), dueAt: null, doneAt: At(24, 0));
        return new() { ["a"] = a.Id, ["b"] = b.Id, ["c"] = c.Id, ["d"] = d.Id, ["e"] = e.Id, ["f"] = f.Id };
    }

    private static List<(string, long, long, long)> Counts(JsonElement list) => list.EnumerateArray()
        .Select(c => (c.GetProperty("key").GetString()!, c.GetProperty("opened").GetInt64(), c.GetProperty("resolved").GetInt64(), c.GetProperty("still_open").GetInt64()))
        .ToList();

    [Test]
    public async Task Every_field_of_a_fixed_week_matches_the_hand_computed_figures()
    {
        var ids = await ArrangeWeekAsync();

        var d = await DigestAsync();

        Assert.Multiple(() =>
        {
            Assert.That(d.GetProperty("week").GetString(), Is.EqualTo("2026-W47"));
            Assert.That(d.GetProperty("from").GetString(), Is.EqualTo("2026-11-16T00:00:00.000Z"));
            Assert.That(d.GetProperty("to").GetString(), Is.EqualTo("2026-11-23T00:00:00.000Z"));
            var totals = d.GetProperty("totals");
            Assert.That((totals.GetProperty("opened").GetInt64(), totals.GetProperty("resolved").GetInt64(), totals.GetProperty("still_open").GetInt64()),
                Is.EqualTo((4L, 4L, 2L)), "opened A B C D; resolved A B C E; still open D F");
            Assert.That(Counts(d.GetProperty("by_severity")), Is.EqualTo(new[] { ("P0", 1L, 1L, 0L), ("P1", 1L, 1L, 0L), ("P2", 1L, 2L, 1L), ("P3", 1L, 0L, 1L) }));
            Assert.That(Counts(d.GetProperty("by_service")), Is.EqualTo(new[] { ("api", 3L, 2L, 1L), ("db", 1L, 1L, 0L), ("worker", 0L, 1L, 1L) }));
            Assert.That(Counts(d.GetProperty("by_kind")), Is.EqualTo(new[] { ("disk_full", 1L, 1L, 0L), ("http_5xx", 3L, 2L, 1L), ("job_failure", 0L, 1L, 1L) }));

            // Resolved this week after 60, 180, 1440 and 10080 minutes: mean 2940; p90 (linear) = 1440 + 0.7 × (10080 − 1440) = 7488.
            var ttr = d.GetProperty("time_to_resolve");
            Assert.That(ttr.GetProperty("resolved").GetInt64(), Is.EqualTo(4));
            Assert.That(ttr.GetProperty("mean_minutes").GetDouble(), Is.EqualTo(2940.0));
            Assert.That(ttr.GetProperty("p90_minutes").GetDouble(), Is.EqualTo(7488.0));

            var top = d.GetProperty("top_incidents").EnumerateArray().ToList();
            Assert.That(top.Select(t => t.GetProperty("id").GetString()), Is.EqualTo(new[] { ids["c"], ids["a"], ids["b"], ids["d"] }), "worst severity first");
            Assert.That(top[0].GetProperty("minutes_to_resolve").GetDouble(), Is.EqualTo(1440.0));
            Assert.That(top[0].GetProperty("occurrences").GetInt32(), Is.EqualTo(4));
            Assert.That(top[3].GetProperty("minutes_to_resolve").ValueKind, Is.EqualTo(JsonValueKind.Null));

            var signature = d.GetProperty("recurring_signatures").EnumerateArray().Single();
            Assert.That(signature.GetProperty("service").GetString(), Is.EqualTo("api"));
            Assert.That((signature.GetProperty("last_7_days").GetInt64(), signature.GetProperty("last_30_days").GetInt64()), Is.EqualTo((3L, 4L)),
                "A B D in the week; H three weeks earlier; G is after the week");
            Assert.That(signature.GetProperty("level").GetString(), Is.EqualTo("warn"));
            Assert.That(signature.GetProperty("recommendation").GetString(), Does.StartWith("recurring:"));
            Assert.That(d.GetProperty("recurring_kinds").GetArrayLength(), Is.EqualTo(0), "http_5xx: 4 in 30 days, under the kind threshold of 5");

            var bucket = d.GetProperty("root_cause_buckets").EnumerateArray().Single();
            Assert.That((bucket.GetProperty("service").GetString(), bucket.GetProperty("kind").GetString()), Is.EqualTo(("api", "http_5xx")));
            Assert.That(bucket.GetProperty("reason").GetString(), Is.EqualTo("3 in 7 days (≥ 3)"));

            var followups = d.GetProperty("followups");
            Assert.That((followups.GetProperty("open").GetInt32(), followups.GetProperty("overdue").GetInt32()), Is.EqualTo((3, 1)),
                "C overdue; D due later; F done only after the week; A done in time");
            Assert.That(followups.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("incident_id").GetString(), i.GetProperty("overdue").GetBoolean())),
                Is.EqualTo(new[] { (ids["c"], true), (ids["d"], false), (ids["f"], false) }));

            var daily = d.GetProperty("daily").EnumerateArray().Select(x => (x.GetProperty("day").GetString(),
                x.GetProperty("p0").GetInt64(), x.GetProperty("p1").GetInt64(), x.GetProperty("p2").GetInt64(), x.GetProperty("p3").GetInt64())).ToList();
            Assert.That(daily, Is.EqualTo(new[]
            {
                ("2026-11-16", 0L, 1L, 0L, 0L), ("2026-11-17", 0L, 0L, 1L, 0L), ("2026-11-18", 1L, 0L, 0L, 0L), ("2026-11-19", 0L, 0L, 0L, 0L),
                ("2026-11-20", 0L, 0L, 0L, 1L), ("2026-11-21", 0L, 0L, 0L, 0L), ("2026-11-22", 0L, 0L, 0L, 0L),
            }));
            Assert.That(d.GetProperty("files").GetProperty("chart").GetString(), Is.EqualTo("2026-47.svg"));
        });

        var markdown = await File.ReadAllTextAsync(Path.Combine(OutDir, "2026-47.md"));
        Assert.Multiple(() =>
        {
            Assert.That(markdown, Does.Contain("**4 opened · 4 resolved · 2 still open** at week end · time to resolve: mean 49 h, p90 124.8 h"));
            Assert.That(markdown, Does.Contain("![Incidents opened per day by severity](2026-47.svg)"));
            Assert.That(markdown, Does.Not.Contain("truncated"));
            Assert.That(File.ReadAllText(Path.Combine(OutDir, "2026-47.svg")), Does.StartWith("<svg ").And.Contain("P0 (1)"));
        });
    }

    [Test]
    public async Task The_same_data_gives_byte_identical_files_apart_from_generated_at()
    {
        await ArrangeWeekAsync();
        await DigestAsync();
        var first = Directory.GetFiles(OutDir).Order().Select(File.ReadAllText).ToList();
        Clock.Advance(TimeSpan.FromHours(5));

        await DigestAsync();
        var second = Directory.GetFiles(OutDir).Order().Select(File.ReadAllText).ToList();

        static string WithoutGeneratedAt(string text) => string.Join('\n', text.Split('\n').Where(l => !l.Contains("generated_at") && !l.Contains("generated 2026")));
        Assert.Multiple(() =>
        {
            Assert.That(second.Select(WithoutGeneratedAt), Is.EqualTo(first.Select(WithoutGeneratedAt)));
            Assert.That(second, Is.Not.EqualTo(first), "negative control: generated_at did change");
        });
    }

    [TestCase(2, null)]
    [TestCase(3, "warn")]
    [TestCase(6, "high")]
    public async Task A_signature_recurs_at_3_warn_and_at_6_high(int incidents, string? level)
    {
        for (var i = 0; i < incidents; i++) await Db.AddIncidentAsync("api", $"kind_{incidents}", "P2", At(16 + i % 7, 9), fingerprint: "same");
        await Db.AddIncidentAsync("api", $"kind_{incidents}", "P2", At(17, 9), fingerprint: "other");

        var signatures = (await DigestAsync()).GetProperty("recurring_signatures").EnumerateArray().ToList();

        if (level is null)
        {
            Assert.That(signatures, Is.Empty, $"{incidents} incidents of one signature do not recur");
            return;
        }
        var recurring = signatures.Single();
        Assert.Multiple(() =>
        {
            Assert.That(recurring.GetProperty("last_7_days").GetInt64(), Is.EqualTo(incidents));
            Assert.That(recurring.GetProperty("level_7_days").GetString(), Is.EqualTo(level));
            Assert.That(recurring.GetProperty("recommendation").GetString(), Does.StartWith(level == "high" ? "chronic:" : "recurring:"));
        });
    }

    [Test]
    public async Task The_Markdown_stops_at_8000_characters_with_a_visible_marker()
    {
        for (var i = 0; i < 40; i++)
        {
            var incident = await Db.AddIncidentAsync($"service-{i:00}", "timeout", "P1", At(16 + i % 7, i % 24), fingerprint: $"f{i}",
                title: $"a deliberately long incident title number {i} that keeps the table wide and the digest long");
            await Db.AddFollowupAsync(incident.Id, 1, At(16 + i % 7, i % 24), dueAt: At(20, 0));
        }

        var d = await DigestAsync();
        var markdown = await File.ReadAllTextAsync(Path.Combine(OutDir, "2026-47.md"));

        Assert.Multiple(() =>
        {
            Assert.That(markdown.Length, Is.LessThanOrEqualTo(DigestMarkdown.MaxChars));
            Assert.That(markdown, Does.Contain("**… truncated**: this digest is longer than 8,000 characters; every row is in `2026-47.json`."));
            Assert.That(d.GetProperty("followups").GetProperty("items").GetArrayLength(), Is.EqualTo(40), "the JSON keeps every row");
        });
    }

    [Test]
    public void ISO_weeks_2025_W53_does_not_exist_2026_W53_runs_to_3_January_and_2027_W01_starts_4_January()
    {
        Assert.Multiple(() =>
        {
            Assert.That(IsoWeek.Parse("2025-W53", out var problem), Is.Null);
            Assert.That(problem, Is.EqualTo("2025 has ISO weeks 1..52"));
            var w53 = IsoWeek.Parse("2026-W53", out _)!;
            Assert.That(w53.Start, Is.EqualTo(new DateTimeOffset(2026, 12, 28, 0, 0, 0, TimeSpan.Zero)));
            Assert.That(w53.End.AddDays(-1), Is.EqualTo(new DateTimeOffset(2027, 1, 3, 0, 0, 0, TimeSpan.Zero)), "last day Sunday 3 January");
            Assert.That(IsoWeek.Parse("2027-W01", out _)!.Start, Is.EqualTo(new DateTimeOffset(2027, 1, 4, 0, 0, 0, TimeSpan.Zero)));
            Assert.That(IsoWeek.Of(new DateTimeOffset(2027, 1, 2, 12, 0, 0, TimeSpan.Zero)).ToString(), Is.EqualTo("2026-W53"));
            Assert.That(IsoWeek.LastFull(new DateTimeOffset(2027, 1, 4, 8, 0, 0, TimeSpan.Zero)).ToString(), Is.EqualTo("2026-W53"));
            Assert.That(IsoWeek.Parse("2026-47", out _), Is.Null);
        });
    }

    [Test]
    public async Task A_week_that_does_not_exist_is_a_usage_error_naming_the_option()
    {
        var cli = await AionisCli.RunAsync(["job", "incident-weekly-digest", "--week", "2025-W53", "--out-dir", OutDir], AionisCli.EnvFor(Db, Worker.ArtifactsRoot));

        Assert.Multiple(() =>
        {
            Assert.That(cli.ExitCode, Is.EqualTo(64));
            Assert.That(cli.Stderr, Does.Contain("--week '2025-W53': 2025 has ISO weeks 1..52"));
            Assert.That(cli.Stderr, Does.Not.Contain("   at "));
        });
    }

    [Test]
    public async Task A_week_2026_W53_digest_spans_the_new_year()
    {
        await Db.AddIncidentAsync("api", "x", "P2", new DateTimeOffset(2027, 1, 3, 23, 0, 0, TimeSpan.Zero));
        await Db.AddIncidentAsync("api", "x", "P2", new DateTimeOffset(2027, 1, 4, 0, 0, 0, TimeSpan.Zero));
        await Db.AddIncidentAsync("api", "x", "P2", new DateTimeOffset(2026, 12, 27, 23, 59, 0, TimeSpan.Zero));

        var d = await DigestAsync("2026-W53");

        Assert.Multiple(() =>
        {
            Assert.That(d.GetProperty("totals").GetProperty("opened").GetInt64(), Is.EqualTo(1), "only Sunday 3 January is inside");
            Assert.That(d.GetProperty("daily").EnumerateArray().Last().GetProperty("day").GetString(), Is.EqualTo("2027-01-03"));
            Assert.That(File.Exists(Path.Combine(OutDir, "2026-53.md")), Is.True);
        });
    }
}
