using System.Diagnostics;
using Aionis.Data;
using Npgsql;

namespace Aionis.Tests.Support;

/// <summary>
/// A PostgreSQL 15 cluster of its own that archives WAL with the real pgBackRest into a posix repository in a temp folder
/// (scripts/lib/pgbackrest.sh: archive_mode=on, archive_command='pgbackrest … archive-push %p', archive_timeout=1s), with
/// the worker schema: the database the PITR jobs back up, check and drill. archive-push runs as the postgres OS user, so
/// the folders belong to it and the worker runs pgbackrest as that user.
/// </summary>
public sealed class PitrCluster : IAsyncDisposable
{
    public const string StanzaName = "aionis_test";

    private PitrCluster(string directory, int port)
    {
        Directory = directory;
        Port = port;
        ConnectionString = DatabaseConnection.Normalize($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false");
    }

    public string Directory { get; }
    public int Port { get; }
    public string ConnectionString { get; }
    public string ConfigPath => Path.Combine(Directory, "pgbackrest.conf");
    public string Repository => Path.Combine(Directory, "repo");

    public Dictionary<string, string?> Settings => new()
    {
        ["ConnectionStrings:Aionis"] = ConnectionString,
        ["Backups:PgBackRest:Stanza"] = StanzaName,
        ["Backups:PgBackRest:ConfigPath"] = ConfigPath,
        ["Backups:PgBackRest:OsUser"] = "postgres",
    };

    public static async Task<PitrCluster> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "aionis-pitr-" + Guid.NewGuid().ToString("N")[..8]);
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var cluster = new PitrCluster(directory, port);
        await ScriptAsync($"pitr_start '{directory}' {port} {StanzaName} 1");
        await new DatabaseMigrator(cluster.ConnectionString).MigrateAsync(controlPlane: true);
        return cluster;
    }

    public static async Task ScriptAsync(string call)
    {
        var lib = Path.Combine(TestEnvironment.RepositoryRoot, "scripts", "lib");
        using var bash = Process.Start(new ProcessStartInfo("bash", ["-c", $". '{lib}/postgres.sh'; . '{lib}/pgbackrest.sh'; {call}"])
            { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        if (bash.ExitCode != 0) Assert.Fail($"{call} failed ({bash.ExitCode}): {await stderr}");
    }

    public async Task<int> ExecuteAsync(string sql, params object[] args)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, args);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, args);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Switches to a new WAL segment and waits until the one holding everything written so far is archived.</summary>
    public async Task ArchiveEverythingAsync()
    {
        var segment = await ScalarAsync<string>("SELECT pg_walfile_name(pg_switch_wal())");
        await WaitUntilAsync(async () => string.CompareOrdinal(
            await ScalarAsync<string>("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"), segment) >= 0, $"WAL {segment} archived");
    }

    /// <summary>Polls an observable state with a deadline (no fixed sleeps).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(seconds)) Assert.Fail($"timed out after {seconds}s waiting for: {what}");
            await Task.Delay(100);
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object[] args)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        await ScriptAsync($"pg_stop '{Directory}/pg'");
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
