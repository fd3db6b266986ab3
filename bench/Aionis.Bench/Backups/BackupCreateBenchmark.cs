using System.Diagnostics;
using Aionis.Jobs.Framework;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Aionis.Bench.Backups;

/// <summary>
/// backup-create (snapshot, exact row counts, pg_dump, SHA-256, manifest, publish to a local target) against a plain
/// <c>pg_dump -Fc</c> of the same database: the job's overhead over the dump itself.
/// </summary>
public sealed class BackupCreateBenchmark : IBenchmark
{
    private const string Database = "bench_backup";
    private const int Rounds = 3;

    public string Name => "backup-create";
    public string Description => "backup-create vs a plain pg_dump -Fc of the same database (AIONIS_BENCH_BACKUP_ROWS telemetry rows, default 1000000)";

    public async Task<int> RunAsync(BenchContext context)
    {
        var rows = context.Environment.TryGetValue("AIONIS_BENCH_BACKUP_ROWS", out var text) ? int.Parse(text) : 1_000_000;
        var connectionString = await CreateDatabaseAsync(context.PostgresAdmin, rows);
        var plainDump = Path.Combine(context.WorkDirectory, "plain.dump");

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Aionis"] = connectionString,
            ["Worker:ArtifactsRoot"] = context.WorkDirectory,
            ["Worker:SpoolDirectory"] = Path.Combine(context.WorkDirectory, ".spool"),
        }).Build();
        await using var services = new ServiceCollection().AddWorker(configuration).BuildServiceProvider();
        var job = JobCatalog.Default.Get("backup-create");
        var options = OptionBinder.Bind(job, [new("target", Path.Combine(context.WorkDirectory, "target")), new("keep", 1)]);

        // Alternating rounds, best of each: the machine is shared, so single timings are noisy.
        var plainTimes = new List<double>();
        var jobTimes = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            plainTimes.Add(await TimeAsync(() => RunPlainPgDumpAsync(connectionString, plainDump)));
            jobTimes.Add(await TimeAsync(async () =>
            {
                var result = await services.GetRequiredService<JobRunner>().RunAsync(new RunRequest(job, options), CancellationToken.None);
                if (result.ExitCode != ExitCodes.Ok) throw new InvalidOperationException($"backup-create failed: {result.Error}");
            }));
        }
        var plain = plainTimes.Min();
        var timed = jobTimes.Min();

        var ratio = timed / plain;
        var table = new BenchTable($"backup-create, {rows:N0} telemetry rows");
        table.Info("plain pg_dump -Fc (best of 3)", $"{plain:0.00}s ({new FileInfo(plainDump).Length / 1048576.0:0.0} MiB)");
        table.Info("backup-create (best of 3)", $"{timed:0.00}s");
        table.Add("backup-create / pg_dump", ratio, "x", "<= 1.5x", ratio <= 1.5);
        return table.Print();
    }

    private static async Task<double> TimeAsync(Func<Task> work)
    {
        var watch = Stopwatch.StartNew();
        await work();
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task<string> CreateDatabaseAsync(string admin, int rows)
    {
        var connectionString = await MigratedDatabase.CreateAsync(admin, Database);
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        foreach (var sql in new[]
        {
            "INSERT INTO control_tenants (tenant_id, display_name) SELECT 't' || i, 'Tenant ' || i FROM generate_series(1, 50) i",
            $"""
            INSERT INTO memory_request_telemetry (tenant_id, scope, endpoint, status_code, latency_ms, created_at, api_key_prefix)
            SELECT 't' || (i % 50 + 1), 'default', (ARRAY['write','recall','recall_text','planning_context','context_assemble'])[i % 5 + 1],
                   CASE WHEN i % 97 = 0 THEN 500 ELSE 200 END, (i % 1000) / 3.0, now() - (i || ' seconds')::interval, 'ak_live_' || (i % 200)
              FROM generate_series(1, {rows}) i
            """,
            "VACUUM ANALYZE",
        })
        {
            await using var seed = new NpgsqlCommand(sql, db) { CommandTimeout = 0 };
            await seed.ExecuteNonQueryAsync();
        }
        return connectionString;
    }

    private static async Task RunPlainPgDumpAsync(string connectionString, string file)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var info = new ProcessStartInfo("/usr/lib/postgresql/15/bin/pg_dump") { UseShellExecute = false };
        foreach (var arg in new[] { "-Fc", "-f", file, "-h", b.Host!, "-p", b.Port.ToString(), "-U", b.Username!, b.Database! }) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"pg_dump exited {process.ExitCode}");
    }
}
