using System.Text.Json;
using System.Text.RegularExpressions;
using Aionis.Jobs.Incidents;
using Aionis.Tests.Support;

namespace Aionis.Tests.Incidents;

/// <summary>The real <c>aionis incident</c> binary on a test database: the runbook routine, ids, actors, artifact limits, exit codes.</summary>
public sealed class IncidentCommandTests : BinaryTest
{
    private Dictionary<string, string?> Env(string backend = "postgres")
    {
        var env = AionisCli.EnvFor(Db, Dir);
        env["INCIDENT_BACKEND"] = backend;
        return env;
    }

    private async Task<string> CreateAsync(string backend = "postgres")
    {
        var create = await AionisCli.RunAsync(["incident", "create", "--service", "aionis-api", "--severity", "P1", "--title", "5xx spike", "--kind", "http_5xx"], Env(backend));
        Assert.That(create.ExitCode, Is.EqualTo(0), create.Stderr);
        return create.Stdout.Trim();
    }

    [Test]
    public async Task The_runbook_routine_create_event_followup_attach_close_is_recorded_with_the_actor()
    {
        var id = await CreateAsync();
        Assert.That(id, Does.Match("^inc_[0-9]{8}_[0-9]{4}_[a-z0-9]{6}$"));

        var followup = await AionisCli.RunAsync(["incident", "event", id, "--type", "followup", "--message", "add a 5xx alert", "--priority", "P1", "--owner", "sre", "--due", "24h"], Env());
        var status = await AionisCli.RunAsync(["incident", "event", id, "--type", "status", "--message", "rolled back", "--status", "mitigating"], Env());
        var done = await AionisCli.RunAsync(["incident", "followup-done", id, "1"], Env());
        var file = Path.Combine(Dir, "timeline.md");
        await File.WriteAllTextAsync(file, "# timeline\n");
        var attach = await AionisCli.RunAsync(["incident", "attach", id, file], Env());
        var close = await AionisCli.RunAsync(["incident", "close", id, "--resolution", "bad deploy rolled back"], Env());
        var show = await AionisCli.RunAsync(["incident", "show", id, "--json"], Env());

        Assert.That(new[] { followup, status, done, attach, close, show }.Select(r => r.ExitCode), Is.All.EqualTo(0),
            string.Join("\n", new[] { followup, status, done, attach, close, show }.Select(r => r.Stderr)));
        var record = JsonDocument.Parse(show.Stdout).RootElement;
        var actor = $"{Environment.UserName}@{Environment.MachineName}";
        Assert.Multiple(async () =>
        {
            Assert.That(record.GetProperty("incident").GetProperty("status").GetString(), Is.EqualTo("closed"));
            Assert.That(record.GetProperty("incident").GetProperty("created_by").GetString(), Is.EqualTo(actor));
            Assert.That(record.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("type").GetString()), Is.EqualTo(new[] { "followup", "status", "status" }));
            Assert.That(record.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("actor").GetString()), Is.All.EqualTo(actor));
            Assert.That(record.GetProperty("followups").EnumerateArray().Single().GetProperty("done_at").ValueKind, Is.EqualTo(JsonValueKind.String));
            Assert.That(record.GetProperty("artifacts").EnumerateArray().Single().GetProperty("sha256").GetString(),
                Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)))));
            Assert.That(await Db.ScalarAsync<string>("SELECT message FROM worker.incident_events WHERE incident_id = $1 AND seq = 3", id), Is.EqualTo("closed: bad deploy rolled back"));
            Assert.That(await Db.ScalarAsync<DateTime?>("SELECT resolved_at FROM worker.incidents WHERE id = $1", id), Is.Not.Null);
        });
    }

    [TestCase("big.txt", 2 * 1024 * 1024 + 1, "over the 2 MB limit (2097152 bytes)")]
    [TestCase("image.png", 10, "only .json, .md, .txt files can be attached")]
    public async Task An_artifact_over_the_limits_is_refused_with_64_naming_the_limit_and_nothing_is_listed(string name, int size, string message)
    {
        var id = await CreateAsync();
        var file = Path.Combine(Dir, name);
        await File.WriteAllBytesAsync(file, new byte[size]);

        var attach = await AionisCli.RunAsync(["incident", "attach", id, file], Env());

        Assert.Multiple(async () =>
        {
            Assert.That(attach.ExitCode, Is.EqualTo(64));
            Assert.That(attach.Stderr, Does.Contain(message));
            Assert.That(attach.Stderr, Does.Not.Contain("   at "));
            Assert.That(await Db.ScalarAsync<long>("SELECT count(*) FROM worker.incident_artifacts"), Is.EqualTo(0));
            Assert.That(Directory.Exists(Path.Combine(Dir, "incidents", id)), Is.False);
        });
    }

    [Test]
    public async Task An_artifact_of_exactly_2_MB_is_accepted_and_no_temporary_file_stays()
    {
        var id = await CreateAsync();
        var file = Path.Combine(Dir, "exact.json");
        await File.WriteAllBytesAsync(file, new byte[IncidentArtifactFiles.MaxBytes]);

        var attach = await AionisCli.RunAsync(["incident", "attach", id, file], Env());

        Assert.Multiple(async () =>
        {
            Assert.That(attach.ExitCode, Is.EqualTo(0), attach.Stderr);
            Assert.That(await Db.ScalarAsync<long>("SELECT size_bytes FROM worker.incident_artifacts"), Is.EqualTo(IncidentArtifactFiles.MaxBytes));
            Assert.That(Directory.GetFiles(Path.Combine(Dir, "incidents", id)).Select(Path.GetFileName), Is.EqualTo(new[] { "exact.json" }));
        });
    }

    [TestCase(new[] { "incident", "show", "inc_bad" }, "ID 'inc_bad': expected an incident id")]
    [TestCase(new[] { "incident", "create", "--service", "s", "--severity", "P5", "--title", "t" }, "--severity 'P5': allowed P0, P1, P2, P3")]
    [TestCase(new[] { "incident", "list", "--status", "gone" }, "--status 'gone': allowed open, mitigating, resolved, closed")]
    [TestCase(new[] { "incident", "event", "inc_20261201_1405_a1b2c3", "--type", "status", "--message", "m" }, "--status: required with --type status")]
    [TestCase(new[] { "incident", "event", "inc_20261201_1405_a1b2c3", "--type", "note", "--message", "m", "--owner", "x" }, "--owner 'x': only with --type followup")]
    [TestCase(new[] { "incident", "show", "inc_20261201_1405_a1b2c3" }, "incident 'inc_20261201_1405_a1b2c3': no such incident")]
    public async Task Bad_input_exits_64_with_one_line_naming_it(string[] args, string message)
    {
        var result = await AionisCli.RunAsync(args, Env());

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64), result.Stderr);
            Assert.That(result.Stderr, Does.Contain(message));
            Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public async Task A_bad_incident_setting_stops_the_command_with_64_naming_the_key()
    {
        var env = Env();
        env["Incidents__PostgresRetryAfter"] = "soon";

        var result = await AionisCli.RunAsync(["incident", "list"], env);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(64));
            Assert.That(result.Stderr, Does.Contain("Incidents:PostgresRetryAfter 'soon' must be a duration between 1s and 1d"));
        });
    }

    [Test]
    public async Task The_postgres_backend_fails_with_75_while_the_database_is_unreachable_and_writes_no_file()
    {
        var env = Env();
        env["ConnectionStrings__Aionis"] = "Host=127.0.0.1;Port=1;Username=postgres;Database=none;Timeout=2";

        var result = await AionisCli.RunAsync(["incident", "create", "--service", "s", "--severity", "P2", "--title", "t"], env);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(75), result.Stderr);
            Assert.That(Directory.Exists(Path.Combine(Dir, "incidents")) && Directory.GetFiles(Path.Combine(Dir, "incidents"), "*.jsonl").Length > 0, Is.False);
        });
    }

    [Test]
    public void Incident_ids_have_the_creation_minute_and_six_random_characters()
    {
        var at = new DateTimeOffset(2026, 12, 1, 14, 5, 59, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 200).Select(_ => IncidentIds.New(at)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(ids, Is.All.Match("^inc_20261201_1405_[a-z0-9]{6}$"));
            Assert.That(ids.Distinct().Count(), Is.EqualTo(200));
            Assert.That(IncidentIds.IsValid("inc_20261201_1405_ABCDEF"), Is.False);
            Assert.That(IncidentIds.Signature("api", "prod", "http_5xx", "a"), Is.EqualTo(Convert.ToHexStringLower(
                System.Security.Cryptography.SHA256.HashData("api|prod|http_5xx|a"u8.ToArray()))));
        });
    }
}
