using System.Text.Json;
using Aionis.Data.History;
using Aionis.Tests.Support;
using Aionis.Worker.Running;

namespace Aionis.Tests.Telemetry;

/// <summary>hosted-telemetry-retention (batch 20000, max 20; docs/jobs/telemetry.md): reached_pass_limit only when rows remain.</summary>
public sealed class TelemetryRetentionJobTests : DatabaseJobTest
{
    private static readonly DateTimeOffset Fixed = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Expired = Fixed.AddHours(-800);

    protected override DateTimeOffset Now => Fixed;

    private Task<long> RowsAsync(string tenant, bool expired) => Db.ScalarAsync<long>(
        $"SELECT count(*) FROM memory_request_telemetry WHERE tenant_id = $1 AND created_at {(expired ? "<" : ">=")} $2", tenant, Now.AddHours(-720));

    private static int[] Passes(JsonElement summary) =>
        summary.GetProperty("detail").EnumerateArray().Select(p => p.GetProperty("deleted").GetInt32()).ToArray();

    [Test]
    public async Task Forty_five_thousand_rows_go_in_passes_of_20000_20000_5000_and_nothing_else_is_touched()
    {
        await Db.AddTelemetryAsync("acme", "recall", Expired, 45_000);
        await Db.AddTelemetryAsync("acme", "write", Now.AddHours(-719), 300);
        await Db.AddTelemetryAsync("other", "recall", Expired, 1_000);

        var result = await Worker.RunAsync("hosted-telemetry-retention", new Dictionary<string, object?> { ["tenant-id"] = "acme" });
        var summary = WorkerHarness.SummaryJson(result);

        Assert.Multiple(async () =>
        {
            Assert.That(Passes(summary), Is.EqualTo(new[] { 20_000, 20_000, 5_000 }));
            Assert.That(summary.GetProperty("total_deleted").GetInt64(), Is.EqualTo(45_000));
            Assert.That(summary.GetProperty("passes").GetInt32(), Is.EqualTo(3));
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("reached_pass_limit").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("tenant_id").GetString(), Is.EqualTo("acme"));
            Assert.That(summary.GetProperty("older_than_hours").GetInt32(), Is.EqualTo(720));
            Assert.That(await RowsAsync("acme", expired: true), Is.EqualTo(0));
            Assert.That(await RowsAsync("acme", expired: false), Is.EqualTo(300), "newer rows stay");
            Assert.That(await RowsAsync("other", expired: true), Is.EqualTo(1_000), "other tenants stay");
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok));
        });
    }

    [Test]
    public async Task Ids_out_of_time_order_and_a_gap_of_a_trillion_ids_still_delete_exactly_the_expired_rows()
    {
        // Newer rows first (the lowest ids), expired rows after them, then the sequence jumps a trillion ids.
        await Db.AddTelemetryAsync("acme", "write", Now.AddHours(-1), 300);
        await Db.AddTelemetryAsync("acme", "recall", Expired, 25_000);
        await Db.ExecuteAsync("SELECT setval('memory_request_telemetry_id_seq', 1000000000000)");
        await Db.AddTelemetryAsync("acme", "recall", Expired, 5_000);
        await Db.AddTelemetryAsync("acme", "write", Now.AddHours(-2), 100);

        var summary = WorkerHarness.SummaryJson(await Worker.RunAsync("hosted-telemetry-retention"));

        Assert.Multiple(async () =>
        {
            Assert.That(Passes(summary), Is.EqualTo(new[] { 20_000, 10_000 }));
            Assert.That(await RowsAsync("acme", expired: true), Is.EqualTo(0));
            Assert.That(await RowsAsync("acme", expired: false), Is.EqualTo(400));
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task A_long_stretch_of_newer_rows_before_the_expired_ones_still_gives_passes_of_exactly_the_batch_limit()
    {
        // The first windows hold nothing eligible, so the next one is the largest; it reaches into the expired rows and
        // holds more than the pass may delete: that window is rolled back and a smaller one taken.
        await Db.AddTelemetryAsync("acme", "write", Now.AddHours(-1), 60_000);
        await Db.AddTelemetryAsync("acme", "recall", Expired, 45_000);
        await Db.AddTelemetryAsync("acme", "write", Now.AddHours(-2), 500);

        var summary = WorkerHarness.SummaryJson(await Worker.RunAsync("hosted-telemetry-retention"));

        Assert.Multiple(async () =>
        {
            Assert.That(Passes(summary), Is.EqualTo(new[] { 20_000, 20_000, 5_000 }));
            Assert.That(await RowsAsync("acme", expired: true), Is.EqualTo(0));
            Assert.That(await RowsAsync("acme", expired: false), Is.EqualTo(60_500), "newer rows stay");
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task Expired_and_newer_rows_interleaved_go_in_passes_of_exactly_the_batch_limit()
    {
        for (var i = 0; i < 10; i++)
        {
            await Db.AddTelemetryAsync("acme", "recall", Expired, 25);
            await Db.AddTelemetryAsync("acme", "write", Now.AddHours(-1), 5);
        }

        var summary = WorkerHarness.SummaryJson(await Worker.RunAsync("hosted-telemetry-retention",
            new Dictionary<string, object?> { ["batch-limit"] = "7", ["max-passes"] = "100" }));

        var passes = Passes(summary);
        Assert.Multiple(async () =>
        {
            Assert.That(passes[..^1], Has.All.EqualTo(7), "every pass but the last is full");
            Assert.That(passes[^1], Is.EqualTo(250 % 7));
            Assert.That(summary.GetProperty("total_deleted").GetInt64(), Is.EqualTo(250));
            Assert.That(await RowsAsync("acme", expired: false), Is.EqualTo(50));
        });
    }

    [Test]
    public async Task Forty_thousand_rows_take_a_third_empty_pass_like_the_reference()
    {
        await Db.AddTelemetryAsync("acme", "recall", Expired, 40_000);

        var summary = WorkerHarness.SummaryJson(await Worker.RunAsync("hosted-telemetry-retention"));

        Assert.Multiple(() =>
        {
            Assert.That(Passes(summary), Is.EqualTo(new[] { 20_000, 20_000, 0 }));
            Assert.That(summary.GetProperty("tenant_id").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }

    [Test]
    public async Task Stopping_at_max_passes_reaches_the_pass_limit_only_if_eligible_rows_remain()
    {
        await Db.AddTelemetryAsync("acme", "recall", Expired, 40_000);
        var exact = await Worker.RunAsync("hosted-telemetry-retention", new Dictionary<string, object?> { ["max-passes"] = "2", ["strict"] = null });

        await Db.AddTelemetryAsync("acme", "recall", Expired, 45_000);
        var remaining = await Worker.RunAsync("hosted-telemetry-retention", new Dictionary<string, object?> { ["max-passes"] = "2", ["strict"] = null });

        var exactSummary = WorkerHarness.SummaryJson(exact);
        var remainingSummary = WorkerHarness.SummaryJson(remaining);
        Assert.Multiple(async () =>
        {
            Assert.That(Passes(exactSummary), Is.EqualTo(new[] { 20_000, 20_000 }));
            Assert.That(exactSummary.GetProperty("reached_pass_limit").GetBoolean(), Is.False, "everything was deleted, so the pass limit was not what stopped it");
            Assert.That(exact.ExitCode, Is.EqualTo(ExitCodes.Ok));
            Assert.That(Passes(remainingSummary), Is.EqualTo(new[] { 20_000, 20_000 }));
            Assert.That(remainingSummary.GetProperty("reached_pass_limit").GetBoolean(), Is.True);
            Assert.That(remainingSummary.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(remaining.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(remaining.Status, Is.EqualTo(RunStatus.GateFailed));
            Assert.That(await RowsAsync("acme", expired: true), Is.EqualTo(5_000));
        });
    }

    [Test]
    public async Task A_dry_run_counts_what_would_go_and_deletes_nothing()
    {
        await Db.AddTelemetryAsync("acme", "recall", Expired, 45_000);
        await Db.AddTelemetryAsync("acme", "recall", Now.AddHours(-1), 10);
        var before = await Db.ControlPlaneFingerprintAsync();

        var result = await Worker.RunAsync("hosted-telemetry-retention", new Dictionary<string, object?> { ["max-passes"] = "2" }, dryRun: true);

        var summary = WorkerHarness.SummaryJson(result);
        var planned = (await Db.RowsAsync("SELECT planned_actions::text AS p FROM worker.job_runs WHERE run_id = $1", result.RunId)).Single()["p"] as string;
        Assert.Multiple(async () =>
        {
            Assert.That(await Db.ControlPlaneFingerprintAsync(), Is.EqualTo(before));
            Assert.That(summary.GetProperty("dry_run").GetBoolean(), Is.True);
            Assert.That(summary.GetProperty("would_delete").GetInt64(), Is.EqualTo(40_000), "two passes of 20000");
            Assert.That(summary.GetProperty("total_deleted").GetInt64(), Is.EqualTo(0));
            Assert.That(summary.GetProperty("reached_pass_limit").GetBoolean(), Is.True, "5000 would remain");
            Assert.That(planned, Does.Contain("\"count\": 40000").And.Contain("\"eligible\": 45000"));
        });
    }

    [Test]
    public async Task A_missing_table_is_not_ok_and_says_why()
    {
        await Db.ExecuteAsync("DROP TABLE memory_request_telemetry");

        var result = await Worker.RunAsync("hosted-telemetry-retention", new Dictionary<string, object?> { ["strict"] = null });

        var summary = WorkerHarness.SummaryJson(result);
        Assert.Multiple(() =>
        {
            Assert.That(summary.GetProperty("ok").GetBoolean(), Is.False);
            Assert.That(summary.GetProperty("error").GetString(), Is.EqualTo("request_telemetry_table_missing"));
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
        });
    }

    [Test]
    public async Task The_cli_reads_the_batch_limit_from_the_environment_and_reports_each_pass_on_stderr()
    {
        var artifacts = Directory.CreateTempSubdirectory("aionis-retention-").FullName;
        await Db.AddTelemetryAsync("acme", "recall", DateTimeOffset.UtcNow.AddHours(-800), 250);
        var env = AionisCli.EnvFor(Db, artifacts);
        env["CONTROL_TELEMETRY_PURGE_BATCH_LIMIT"] = "100";

        var result = await AionisCli.RunAsync(["job", "hosted-telemetry-retention", "--tenant-id=acme", "--older-than-hours", "720"], env);

        var summary = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
            Assert.That(Passes(summary), Is.EqualTo(new[] { 100, 100, 50 }));
            Assert.That(result.Stderr, Does.Contain("pass 1: deleted 100 (total 100)").And.Contain("pass 3: deleted 50 (total 250)"));
        });
    }

    [TestCase("--batch-limit", "0", "--batch-limit '0': out of range, allowed 1..200000")]
    [TestCase("--tenant-id", "*", "--tenant-id '*': leave it out to purge every tenant")]
    public async Task Bad_options_name_the_option(string option, string value, string expected)
    {
        var result = await AionisCli.RunAsync(["job", "hosted-telemetry-retention", option, value], AionisCli.EnvFor(Db, Path.GetTempPath()));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64));
            Assert.That(result.Stderr, Does.Contain(expected));
        });
    }
}
