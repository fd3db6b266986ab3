using System.Diagnostics;
using Aionis.Data;
using Npgsql;

namespace Aionis.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL cluster of one test's own (scripts/lib/postgres.sh), for tests that stop and start the server:
/// the shared test cluster must stay up for everyone else.
/// </summary>
public sealed class ProductionPostgres : IAsyncDisposable
{
    private readonly string _directory;
    private readonly int _port;

    private ProductionPostgres(string directory, int port)
    {
        _directory = directory;
        _port = port;
        ConnectionString = DatabaseConnection.Normalize($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres");
    }

    public string ConnectionString { get; }

    /// <summary>A new cluster with the worker schema and the control-plane tables.</summary>
    public static async Task<ProductionPostgres> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "aionis-pg-" + Guid.NewGuid().ToString("N")[..8]);
        var postgres = new ProductionPostgres(directory, FreePort());
        await postgres.StartServerAsync();
        await new DatabaseMigrator(postgres.ConnectionString).MigrateAsync(controlPlane: true);
        return postgres;
    }

    public Task StartServerAsync() => PostgresLibAsync($"pg_start '{_directory}' {_port} fast");

    /// <summary>An immediate stop: every connection drops, as in a crash or a network cut.</summary>
    public Task StopServerAsync() => PostgresLibAsync($"pg_stop '{_directory}'");

    private static async Task PostgresLibAsync(string call)
    {
        var lib = Path.Combine(TestEnvironment.RepositoryRoot, "scripts", "lib", "postgres.sh");
        using var bash = Process.Start(new ProcessStartInfo("bash", ["-c", $". '{lib}'; {call}"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        if (bash.ExitCode != 0) Assert.Fail($"{call} failed ({bash.ExitCode}): {await stderr}");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task<long> CountAsync(string sql, params object[] args) => Convert.ToInt64(await ScalarAsync(sql, args));

    public async Task<Guid> ScalarGuidAsync(string sql, params object[] args) => (Guid)(await ScalarAsync(sql, args))!;

    private async Task<object?> ScalarAsync(string sql, object[] args)
    {
        // Unpooled: a pooled connection would outlive a server restart broken.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await StopServerAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
