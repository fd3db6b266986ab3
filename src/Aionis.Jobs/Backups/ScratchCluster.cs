using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace Aionis.Jobs.Backups;

/// <summary>
/// The PostgreSQL server a PITR drill restores into: <c>&lt;root&gt;/data</c> on a free 127.0.0.1 port, with its own
/// pg_hba.conf (unix socket only, in <c>&lt;root&gt;/socket</c>, mode 0700: nobody but the drill's OS user can reach
/// the restored copy), <c>archive_mode=off</c> (the copy must never push WAL into the stanza it came from) and every
/// tablespace mapped under <c>&lt;root&gt;/tablespaces</c> (never onto the source server's paths).
/// <see cref="DisposeAsync"/> stops it (immediate) and removes the whole folder, whatever happened before.
/// </summary>
public sealed partial class ScratchCluster : IAsyncDisposable
{
    private readonly string? _osUser;
    private readonly PgClient _pg;

    private ScratchCluster(string root, int port, string? osUser, PgClient pg)
    {
        Root = root;
        Port = port;
        _osUser = osUser;
        _pg = pg;
    }

    public string Root { get; }
    public string DataDirectory => Path.Combine(Root, "data");
    public string SocketDirectory => Path.Combine(Root, "socket");
    public string TablespaceDirectory => Path.Combine(Root, "tablespaces");
    public string LogFile => Path.Combine(Root, "server.log");
    public int Port { get; }
    public bool Removed { get; private set; }

    /// <summary>Creates the empty folders (owned by the drill's OS user) and picks a free port.</summary>
    public static async Task<ScratchCluster> CreateAsync(string root, string? osUser, PgClient pg, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("restore drills run PostgreSQL from /usr/lib/postgresql (Linux)");
        var cluster = new ScratchCluster(root, FreePort(), osUser, pg);
        const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        foreach (var dir in new[] { root, cluster.DataDirectory, cluster.SocketDirectory, cluster.TablespaceDirectory })
        {
            Directory.CreateDirectory(dir, owner);
        }
        await File.WriteAllTextAsync(Path.Combine(root, "pg_hba.conf"), "# aionis restore drill: unix socket only\nlocal all all trust\n", cancellationToken);
        await cluster.OwnAsync(cancellationToken);
        return cluster;
    }

    /// <summary>Gives the folder to the drill's OS user (after the worker wrote into it as root).</summary>
    public async Task OwnAsync(CancellationToken cancellationToken)
    {
        if (_osUser is null) return;
        await CheckedAsync(OsProcess.StartInfo(null, "chown", ["-R", $"{_osUser}:", Root]), "chown", cancellationToken);
    }

    /// <summary>
    /// Starts the restored data directory. The server settings recovery insists on (max_connections and friends at least
    /// the source's) are read from pg_control; postgresql.conf may live outside the data directory (Debian), so an empty
    /// one stands in when the backup has none.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var conf = Path.Combine(DataDirectory, "postgresql.conf");
        if (!File.Exists(conf))
        {
            await File.WriteAllTextAsync(conf, "# aionis restore drill: the backup held no postgresql.conf\n", cancellationToken);
            await OwnAsync(cancellationToken);
        }
        var control = await CheckedAsync(OsProcess.StartInfo(_osUser, _pg.ProgramPath("pg_controldata"), [DataDirectory]), "pg_controldata", cancellationToken);
        var settings = new List<string>
        {
            $"-c port={Port}", "-c listen_addresses=127.0.0.1", $"-c unix_socket_directories='{SocketDirectory}'",
            "-c unix_socket_permissions=0700", $"-c hba_file='{Path.Combine(Root, "pg_hba.conf")}'",
            "-c archive_mode=off", "-c logging_collector=off", "-c cluster_name=aionis-restore-drill",
        };
        foreach (Match m in ControlSetting().Matches(control.Stdout))
        {
            var name = m.Groups[1].Value switch { "max_prepared_xacts" => "max_prepared_transactions", "max_locks_per_xact" => "max_locks_per_transaction", var n => n };
            settings.Add($"-c {name}={m.Groups[2].Value}");
        }
        // -W: do not wait here; the drill waits for recovery to finish itself (pg_ctl's wait ends at the first connection).
        await CheckedAsync(OsProcess.StartInfo(_osUser, _pg.ProgramPath("pg_ctl"),
            ["-D", DataDirectory, "-l", LogFile, "-W", "-o", string.Join(' ', settings), "start"]), "pg_ctl start", cancellationToken);
    }

    /// <summary>
    /// A connection string to one database of the copy, through the private socket. No command timeout: counting a big
    /// table takes what it takes; the run's own timeout and cancellation bound it.
    /// </summary>
    public string ConnectionString(string database, string? user) => new NpgsqlConnectionStringBuilder
    {
        Host = SocketDirectory, Port = Port, Database = database, Username = user, Pooling = false, Timeout = 5, CommandTimeout = 0,
    }.ConnectionString;

    /// <summary>Waits until the copy accepts connections and has left recovery (replayed to its target and promoted).</summary>
    public async Task<TimeSpan> WaitReadyAsync(string database, string? user, TimeSpan limit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        string? lastError = null;
        while (clock.GetElapsedTime(started) < limit)
        {
            if (!File.Exists(Path.Combine(DataDirectory, "postmaster.pid")) && clock.GetElapsedTime(started) > TimeSpan.FromSeconds(1))
            {
                throw new InvalidOperationException($"the restored server stopped: {await LogTailAsync()}");
            }
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString(database, user));
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
                if (!(bool)(await command.ExecuteScalarAsync(cancellationToken))!) return clock.GetElapsedTime(started);
                lastError = "still in recovery";
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or IOException or TimeoutException)
            {
                lastError = e.Message;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), clock, cancellationToken);
        }
        throw new TimeoutException($"the restored server was not ready within {limit.TotalSeconds:0}s ({lastError}): {await LogTailAsync()}");
    }

    /// <summary>
    /// The server log's last FATAL/PANIC/ERROR line (why recovery stopped), else its last line. The FATAL lines of the
    /// readiness probe's own connections being turned away are not the reason: on a slow machine they come after it.
    /// </summary>
    public async Task<string> LogTailAsync()
    {
        if (!File.Exists(LogFile)) return "no server log";
        var lines = await File.ReadAllLinesAsync(LogFile, CancellationToken.None);
        return lines.LastOrDefault(l => (l.Contains("FATAL:") || l.Contains("PANIC:") || l.Contains("ERROR:")) && !IsRefusedConnection(l))
            ?? lines.LastOrDefault() ?? "empty server log";
    }

    private static bool IsRefusedConnection(string line) =>
        line.Contains("the database system is starting up", StringComparison.Ordinal)
        || line.Contains("the database system is in recovery mode", StringComparison.Ordinal)
        || line.Contains("the database system is shutting down", StringComparison.Ordinal)
        || line.Contains("the database system is not yet accepting connections", StringComparison.Ordinal)
        || line.Contains("the database system is not accepting connections", StringComparison.Ordinal);

    /// <summary>Stops the server (immediate: the copy is thrown away) and removes the folder. Never throws for a missing server.</summary>
    public async ValueTask DisposeAsync()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (File.Exists(pidFile))
        {
            await OsProcess.RunAsync(OsProcess.StartInfo(_osUser, _pg.ProgramPath("pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"]), CancellationToken.None);
            if (File.Exists(pidFile) && int.TryParse((await File.ReadAllLinesAsync(pidFile)).FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                try { System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true); } catch (ArgumentException) { } catch (InvalidOperationException) { }
            }
        }
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        Removed = !Directory.Exists(Root);
    }

    private static async Task<ProcessResult> CheckedAsync(System.Diagnostics.ProcessStartInfo info, string what, CancellationToken cancellationToken)
    {
        var result = await OsProcess.RunAsync(info, cancellationToken);
        return result.ExitCode == 0 ? result : throw new InvalidOperationException($"{what} exited with code {result.ExitCode}: {result.Error}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^(max_connections|max_worker_processes|max_wal_senders|max_prepared_xacts|max_locks_per_xact) setting:\s+(\d+)$", RegexOptions.Multiline)]
    private static partial Regex ControlSetting();
}
