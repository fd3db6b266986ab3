using System.Diagnostics;
using System.Text.Json;
using Aionis.Jobs.Framework;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Aionis.Bench.Backups;

/// <summary>
/// The pgBackRest jobs against the same pgbackrest commands run by hand, on an archiving cluster of their own
/// (scripts/lib/pgbackrest.sh) with AIONIS_BENCH_PITR_GB of data (default 5): full, diff and incr backup time, and the
/// drill's RTO (restore + replay + ready) against restore + pg_ctl start + wait by hand. Beside them: pg_dump -Fc and
/// pg_restore of the same database. The diff and incr backups run AIONIS_BENCH_PITR_ROUNDS interleaved pairs (default 3),
/// each pair with the same work on both sides and the order swapped every round, and report the median ratio: one
/// round of each (a backup takes tens of seconds at 5 GB) was at the mercy of whatever else the machine did meanwhile.
/// Every side of a pair starts on a settled disk (<see cref="SettleDiskAsync"/>).
/// The drill runs AIONIS_BENCH_PITR_DRILL_ROUNDS pairs (default 7: five were not enough for a stable median at 5 GB). AIONIS_BENCH_PITR_DUMP=0 leaves out pg_dump and
/// pg_restore (six minutes at 5 GB).
/// </summary>
public sealed class PitrBenchmark : IBenchmark
{
    private const string Stanza = "bench";
    private const string PgBin = "/usr/lib/postgresql/15/bin";

    public string Name => "pitr";
    public string Description => "pitr-backup full/diff/incr and pitr-restore-drill vs the same pgbackrest commands by hand, and pg_dump/pg_restore (AIONIS_BENCH_PITR_GB, default 5)";

    public async Task<int> RunAsync(BenchContext context)
    {
        var gigabytes = context.Environment.TryGetValue("AIONIS_BENCH_PITR_GB", out var text) ? double.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : 5;
        var dir = Path.Combine(context.WorkDirectory, "pitr");
        var port = FreePort();
        await BashAsync($"pitr_start '{dir}' {port} {Stanza} 60");
        try
        {
            var connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
            await new Aionis.Data.DatabaseMigrator(connectionString).MigrateAsync(controlPlane: true);
            var config = Path.Combine(dir, "pgbackrest.conf");
            await ByHandAsync(config, "stanza-create");
            var size = 0L;
            await TimeAsync("seed", async () => size = await SeedAsync(connectionString, gigabytes));

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Aionis"] = connectionString,
                ["Worker:ArtifactsRoot"] = context.WorkDirectory,
                ["Worker:SpoolDirectory"] = Path.Combine(context.WorkDirectory, ".spool"),
                ["Backups:PgBackRest:Stanza"] = Stanza,
                ["Backups:PgBackRest:ConfigPath"] = config,
                ["Backups:PgBackRest:OsUser"] = "postgres",
            }).Build();
            await using var services = new ServiceCollection().AddWorker(configuration).BuildServiceProvider();
            var runner = services.GetRequiredService<JobRunner>();
            async Task<JsonElement> Job(string name, params (string, object?)[] options)
            {
                var job = JobCatalog.Default.Get(name);
                var bound = OptionBinder.Bind(job, options.Select(o => new KeyValuePair<string, object?>(o.Item1, o.Item2)).ToList());
                var result = await runner.RunAsync(new RunRequest(job, bound), CancellationToken.None);
                if (result.ExitCode != ExitCodes.Ok) throw new InvalidOperationException($"{name} failed: {result.Error}");
                return JsonDocument.Parse(JobJson.Serialize(result.Summary)).RootElement;
            }

            var table = new BenchTable($"pgBackRest PITR, {size / 1073741824.0:0.00} GiB database");
            var rounds = context.IntSetting("AIONIS_BENCH_PITR_ROUNDS", 3);
            // A restore runs at the disk's fsync speed, which swings by a third from one run to the next even on a
            // settled disk (21-34 s for the same 5 GB restore, three runs each way): the drill gets its own, larger count.
            var drillRounds = context.IntSetting("AIONIS_BENCH_PITR_DRILL_ROUNDS", 7);
            // Same work for both sides: a full each; a diff each (both since the last full, no write between them); an
            // incr each after equal writes.
            var full = await PairAsync(0, Timed("full by hand, round 1", () => ByHandAsync(config, "backup", "--type=full")), Timed("full job, round 1", () => Job("pitr-backup", ("type", "full"))));
            var diffs = new List<(double Hand, double Job)>();
            var incrs = new List<(double Hand, double Job)>();
            for (var round = 0; round < rounds; round++)
            {
                await ChangeAsync(connectionString, 0.02);
                diffs.Add(await PairAsync(round, Timed($"diff by hand, round {round + 1}", () => ByHandAsync(config, "backup", "--type=diff")),
                    Timed($"diff job, round {round + 1}", () => Job("pitr-backup", ("type", "diff")))));
                incrs.Add(await PairAsync(round, Timed($"incr by hand, round {round + 1}", () => ByHandAsync(config, "backup", "--type=incr")),
                    Timed($"incr job, round {round + 1}", () => Job("pitr-backup", ("type", "incr"))), before: () => ChangeAsync(connectionString, 0.01)));
            }
            await ArchiveAsync(connectionString);

            var restores = new List<(double Hand, double Job)>();
            var drillTimings = new List<string>();
            var handTimings = new List<string>();
            double drillWall = 0;
            for (var round = 0; round < drillRounds; round++)
            {
                async Task<double> Drill()
                {
                    JsonElement drill = default;
                    drillWall = await TimeAsync($"drill job, round {round + 1}", async () => drill = await Job("pitr-restore-drill", ("work-dir", "bench-drill")));
                    if (!drill.GetProperty("ok").GetBoolean()) throw new InvalidOperationException($"the drill is not ok: {drill.GetProperty("reasons")}");
                    var timings = drill.GetProperty("timings");
                    drillTimings.Add($"{timings.GetProperty("restore_seconds").GetDouble():0.0}+{timings.GetProperty("replay_seconds").GetDouble():0.0}s");
                    return drill.GetProperty("rto_seconds").GetDouble();
                }
                restores.Add(await PairAsync(round, () => RestoreByHandAsync(config, Path.Combine(context.WorkDirectory, "hand-restore"), handTimings), Drill));
            }
            var jobRto = restores.Select(p => p.Job).Order().ElementAt(restores.Count / 2);

            Row(table, "full backup", [full]);
            Row(table, $"diff backup (median of {rounds})", diffs);
            Row(table, $"incr backup (median of {rounds})", incrs);
            Row(table, $"drill RTO (restore+replay+ready, median of {drillRounds})", restores);
            table.Info("drill restore+replay per round", string.Join(" ", drillTimings));
            table.Info("by hand restore+replay per round", string.Join(" ", handTimings));
            table.Info("drill wall time, last round (incl. verify, stop, remove)", $"{drillWall:0.00}s");
            table.Info("before each timed side", SettledDisk.Describe(dropCaches: true));
            if (!context.Environment.TryGetValue("AIONIS_BENCH_PITR_DUMP", out var dumpToo) || dumpToo != "0")
            {
                var dumpFile = Path.Combine(context.WorkDirectory, "pitr.dump");
                var dump = await TimeAsync("pg_dump -Fc", () => ProgramAsync(null, $"{PgBin}/pg_dump", "-Fc", "-f", dumpFile, "-h", "127.0.0.1", "-p", port.ToString(), "-U", "postgres", "postgres"));
                await ProgramAsync(null, $"{PgBin}/createdb", "-h", "127.0.0.1", "-p", port.ToString(), "-U", "postgres", "bench_restored");
                var restore = await TimeAsync("pg_restore", () => ProgramAsync(null, $"{PgBin}/pg_restore", "-j", "2", "-d", "bench_restored", "-h", "127.0.0.1", "-p", port.ToString(), "-U", "postgres", dumpFile));
                table.Info("pg_dump -Fc", $"{dump:0.00}s ({new FileInfo(dumpFile).Length / 1048576.0:0} MiB)");
                table.Info("pg_restore -j2", $"{restore:0.00}s");
                table.Info("pg_dump + pg_restore / drill RTO", $"{(dump + restore) / jobRto:0.00}x");
            }
            return table.Print();
        }
        finally
        {
            await BashAsync($"pg_stop '{dir}/pg'");
        }
    }

    /// <summary>
    /// One by-hand run and one job run of the same work, each returning its seconds: by hand first in even rounds and the
    /// job first in odd ones. Before each side, untimed: <paramref name="before"/>, then <see cref="SettleDiskAsync"/>.
    /// </summary>
    private static async Task<(double Hand, double Job)> PairAsync(int round, Func<Task<double>> byHand, Func<Task<double>> job, Func<Task>? before = null)
    {
        async Task<double> Side(Func<Task<double>> side)
        {
            if (before is not null) await before();
            await SettleDiskAsync();
            return await side();
        }
        if (round % 2 == 0)
        {
            var hand = await Side(byHand);
            return (hand, await Side(job));
        }
        var jobFirst = await Side(job);
        return (await Side(byHand), jobFirst);
    }

    private static Func<Task<double>> Timed(string what, Func<Task> work) => () => TimeAsync(what, work);

    /// <summary>
    /// pgBackRest fsyncs every file it writes (1,273 fsyncs in a 1 GB restore), so a backup or restore runs at the disk's
    /// write speed. Unsettled, the second side of a pair paid for the first one's writeback: a quiet run put the drill,
    /// always second in its only round, at 2.35× the restore by hand. Each side now starts with nothing dirty and a cold
    /// page cache (when the benchmark runs as root), so both read the database or the repository from disk.
    /// </summary>
    private static Task SettleDiskAsync() => SettledDisk.SettleAsync(dropCaches: true);

    private static void Row(BenchTable table, string what, IReadOnlyList<(double Hand, double Job)> pairs)
    {
        var ratio = Percentiles.Median(pairs.Select(p => p.Job / p.Hand));
        table.Info($"{what}: pgbackrest by hand", string.Join(" ", pairs.Select(p => $"{p.Hand:0.00}s")));
        table.Info($"{what}: worker job", string.Join(" ", pairs.Select(p => $"{p.Job:0.00}s")));
        table.Add($"{what}: job / by hand", ratio, "x", "<= 1.1x", ratio <= 1.1);
    }

    /// <summary>Rows of about 200 bytes, half of them random (so compression has real work), until the database holds the size asked.</summary>
    private static async Task<long> SeedAsync(string connectionString, double gigabytes)
    {
        var rows = (long)(gigabytes * 1073741824 / 260);
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        foreach (var sql in new[]
        {
            "CREATE TABLE bench_rows (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, tenant text NOT NULL, payload text NOT NULL)",
            $"""
            INSERT INTO bench_rows
            SELECT i, now() - (i || ' ms')::interval, 't' || (i % 50), md5(i::text) || md5((i * 7)::text) || md5(random()::text) || repeat('x', 100)
              FROM generate_series(1, {rows}) i
            """,
            "VACUUM ANALYZE bench_rows",
        })
        {
            await using var command = new NpgsqlCommand(sql, db) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync();
        }
        await using var size = new NpgsqlCommand("SELECT pg_database_size(current_database())", db);
        return (long)(await size.ExecuteScalarAsync())!;
    }

    private static async Task ChangeAsync(string connectionString, double fraction)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand($"UPDATE bench_rows SET payload = md5(random()::text) || payload WHERE random() < {fraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}", db) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ArchiveAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_walfile_name(pg_switch_wal())", db);
        var segment = (string)(await command.ExecuteScalarAsync())!;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var check = new NpgsqlCommand("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver", db);
            if (string.CompareOrdinal((string)(await check.ExecuteScalarAsync())!, segment) >= 0) return;
            if (deadline.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException($"WAL {segment} not archived");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// What an operator types: pgbackrest restore, pg_ctl start, then poll until recovery is over. Seconds; the restore and
    /// the start-to-ready phases are added to <paramref name="phases"/> as the drill reports its own.
    /// </summary>
    private static async Task<double> RestoreByHandAsync(string config, string dir, List<string> phases)
    {
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        Directory.CreateDirectory(Path.Combine(dir, "socket"));
        await ProgramAsync(null, "chown", "-R", "postgres:", dir);
        await ProgramAsync(null, "chmod", "700", Path.Combine(dir, "data"));
        var port = FreePort();
        var watch = Stopwatch.StartNew();
        await ByHandAsync(config, "restore", $"--pg1-path={dir}/data", "--archive-mode=off");
        var restored = watch.Elapsed.TotalSeconds;
        await ProgramAsync("postgres", $"{PgBin}/pg_ctl", "-D", $"{dir}/data", "-l", $"{dir}/server.log", "-W", "-o",
            $"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{dir}/socket' -c archive_mode=off -c max_connections=300", "start");
        var connection = $"Host={dir}/socket;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=5";
        while (true)
        {
            try
            {
                await using var db = new NpgsqlConnection(connection);
                await db.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()", db);
                if (!(bool)(await command.ExecuteScalarAsync())!) break;
            }
            catch (NpgsqlException) { }
            catch (System.Net.Sockets.SocketException) { }
            await Task.Delay(200);
        }
        var seconds = watch.Elapsed.TotalSeconds;
        phases.Add($"{restored:0.0}+{seconds - restored:0.0}s");
        Console.Error.WriteLine($"[pitr bench] restore + start + ready by hand: {seconds:0.00}s");
        await ProgramAsync("postgres", $"{PgBin}/pg_ctl", "-D", $"{dir}/data", "-m", "immediate", "stop");
        Directory.Delete(dir, recursive: true);
        return seconds;
    }

    private static Task ByHandAsync(string config, string command, params string[] args) =>
        ProgramAsync("postgres", "pgbackrest", [$"--config={config}", $"--stanza={Stanza}", command, .. args]);

    private static async Task ProgramAsync(string? user, string program, params string[] args)
    {
        var info = user is null ? new ProcessStartInfo(program) : new ProcessStartInfo("runuser");
        if (user is not null) foreach (var a in new[] { "-u", user, "--", program }) info.ArgumentList.Add(a);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.RedirectStandardError = true;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
    }

    private static async Task BashAsync(string call)
    {
        // scripts/bench.sh runs the benchmarks from the repository root.
        var lib = Path.Combine(Directory.GetCurrentDirectory(), "scripts", "lib");
        await ProgramAsync(null, "bash", "-c", $". '{lib}/postgres.sh'; . '{lib}/pgbackrest.sh'; {call}");
    }

    /// <summary>Times one phase and prints it at once (a 5 GB run takes long; figures show up as they come).</summary>
    private static async Task<double> TimeAsync(string what, Func<Task> work)
    {
        var watch = Stopwatch.StartNew();
        await work();
        Console.Error.WriteLine($"[pitr bench] {what}: {watch.Elapsed.TotalSeconds:0.00}s");
        return watch.Elapsed.TotalSeconds;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
