using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Aionis.Data.History;
using Aionis.Jobs.Framework;
using Aionis.Tests.Support;
using Aionis.Worker.Running;
using Npgsql;

namespace Aionis.Tests.RunTrust;

/// <summary>
/// Failures are classified truthfully: a database outage in the middle of a run is <c>failed</c> with exit 75 (retried),
/// never a gate verdict over the tenants that happened to run; an HTTP peer that refuses is not "database unreachable";
/// per-tenant steps carry their tenant's own verdict.
/// </summary>
public sealed class FailureClassificationTests : DatabaseJobTest
{
    private static readonly DateTimeOffset Day = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    protected override DateTimeOffset Now => Day;

    private static readonly Dictionary<string, object?> EveryTenantStrict = new() { ["tenant-id"] = "*", ["strict"] = null };

    [SetUp]
    public async Task TwoTenantsOneWithASpikeAsync()
    {
        await Db.AddTenantAsync("acme");
        await Db.AddTenantAsync("calm");
        // Expected recent traffic = baseline x 24 / 144: 1440 baseline requests expect 240, 480 is a spike.
        await Db.AddTelemetryAsync("acme", "recall", Day.AddHours(-48), 1440, keyPrefix: "ak_spike");
        await Db.AddTelemetryAsync("acme", "recall", Day.AddHours(-1), 480, keyPrefix: "ak_spike");
        await Db.AddTelemetryAsync("calm", "recall", Day.AddHours(-1), 10, keyPrefix: "ak_calm");
    }

    [Test]
    public async Task Each_tenant_step_carries_its_own_verdict_and_the_gate_names_the_tenant()
    {
        var run = await Worker.RunAsync("hosted-key-usage-anomaly", EveryTenantStrict, taskId: "key_usage_anomaly");

        var steps = await Db.RowsAsync("SELECT name, status FROM worker.job_run_steps WHERE run_id = $1 ORDER BY name", run.RunId);
        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(RunStatus.GateFailed));
            Assert.That(run.Error, Is.EqualTo("1 of 2 tenants not ok: acme"));
            Assert.That(steps.Select(s => (s["name"], s["status"])), Is.EqualTo(new[]
            {
                ((object?)"tenant:acme", (object?)RunStatus.GateFailed),
                ("tenant:calm", RunStatus.Succeeded),
            }));
        });
    }

    [Test]
    public async Task A_database_outage_during_a_fan_out_is_a_failed_run_with_exit_75_not_a_gate_verdict()
    {
        // The first tenant's query waits on a lock; its session is then killed by the server (57P01), as in a failover.
        await using var hold = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Db.ConnectionString) { Pooling = false }.ConnectionString);
        await hold.OpenAsync();
        var transaction = await hold.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE memory_request_telemetry IN ACCESS EXCLUSIVE MODE", hold, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var running = Worker.RunAsync("hosted-key-usage-anomaly", EveryTenantStrict, taskId: "key_usage_anomaly");
        var blocked = await WaitForAsync(() => Db.ScalarAsync<int>(
            "SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"),
            pid => pid != 0, "the tenant's query to wait on the lock");
        await Db.ScalarAsync<bool>("SELECT pg_terminate_backend($1)", blocked);
        await transaction.RollbackAsync();
        var run = await running;

        var row = (await Db.RowsAsync("SELECT status, exit_code, error FROM worker.job_runs WHERE run_id = $1", run.RunId)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(RunStatus.Failed));
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.DatabaseUnavailable));
            Assert.That(row["status"], Is.EqualTo(RunStatus.Failed));
            Assert.That(row["exit_code"], Is.EqualTo(ExitCodes.DatabaseUnavailable));
            Assert.That((string)row["error"]!, Does.StartWith("database unreachable: "));
        });
    }

    [Test]
    public void Only_database_errors_count_as_the_database_being_unreachable()
    {
        var refused = new SocketException((int)SocketError.ConnectionRefused);
        Assert.Multiple(() =>
        {
            Assert.That(PostgresFailures.IsUnreachable(new HttpRequestException("Connection refused (127.0.0.1:9)", refused)), Is.False);
            Assert.That(PostgresFailures.IsUnreachable(new InvalidOperationException("upload failed", new HttpRequestException("x", refused))), Is.False);
            Assert.That(PostgresFailures.IsUnreachable(refused), Is.False, "a bare socket error is somebody else's");
            Assert.That(PostgresFailures.IsUnreachable(new NpgsqlException("Failed to connect to 127.0.0.1:5432", refused)), Is.True);
            Assert.That(PostgresFailures.IsUnreachable(new AggregateException(new NpgsqlException("Failed to connect", refused))), Is.True);
        });
    }

    [Test]
    public async Task An_http_peer_that_refuses_is_a_runtime_error_of_the_job_not_a_database_outage()
    {
        var closedPort = ClosedLoopbackPort();
        var bundle = Directory.CreateTempSubdirectory("aionis-bundle-").FullName;
        await File.WriteAllTextAsync(Path.Combine(bundle, "summary.json"), "{}");
        var env = AionisCli.EnvFor(Db, Worker.ArtifactsRoot);
        env["STORAGE_EMULATOR_HOST"] = $"http://127.0.0.1:{closedPort}";

        var result = await AionisCli.RunAsync(["job", "incident-publish-hosted", "--source-dir", bundle, "--target", "gs://evidence/incidents", "--run-id", "r1"], env);

        var error = JsonDocument.Parse(result.Stderr.Split('\n').Last(l => l.StartsWith('{'))).RootElement.GetProperty("error").GetString();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.RuntimeError), result.Stderr);
            Assert.That(error, Does.Contain("Connection refused"));
            Assert.That(result.Stderr, Does.Not.Contain("database unreachable"));
        });
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var value = await read();
            if (done(value)) return value;
            await Task.Delay(50);
        }
        Assert.Fail($"timed out waiting for {what}");
        return default!;
    }
}
