using Npgsql;

namespace Aionis.Tests.Support;

/// <summary>
/// A login role that the test server only admits with its password (scram-sha-256 over TCP): a pg_hba.conf line for
/// that role alone is put first and the configuration reloaded. Disposing restores pg_hba.conf and drops the role.
/// </summary>
public sealed class BackupsPasswordAuth : IAsyncDisposable
{
    private readonly string _hbaFile;
    private readonly string _originalHba;

    private BackupsPasswordAuth(string role, string password, string hbaFile, string originalHba)
    {
        Role = role;
        Password = password;
        _hbaFile = hbaFile;
        _originalHba = originalHba;
    }

    public string Role { get; }
    public string Password { get; }

    /// <summary>A connection string for <paramref name="database"/> as this role, password included.</summary>
    public string ConnectionStringFor(TestDatabase database, string? password = null) =>
        new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = Role, Password = password ?? Password, Pooling = false }.ConnectionString;

    public static async Task<BackupsPasswordAuth> CreateAsync(string role)
    {
        var password = "pw-" + Guid.NewGuid().ToString("N");
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await admin.OpenAsync();
        await ExecuteAsync(admin, $"DROP ROLE IF EXISTS {role}");
        await ExecuteAsync(admin, $"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{password}'");
        var hbaFile = (string)(await new NpgsqlCommand("SHOW hba_file", admin).ExecuteScalarAsync())!;
        var original = (string)(await new NpgsqlCommand($"SELECT pg_read_file('{hbaFile}')", admin).ExecuteScalarAsync())!;
        await WriteServerFileAsync(admin, hbaFile, $"host all {role} 127.0.0.1/32 scram-sha-256\n{original}");
        var auth = new BackupsPasswordAuth(role, password, hbaFile, original);
        await auth.WaitUntilPasswordRequiredAsync();
        return auth;
    }

    public async ValueTask DisposeAsync()
    {
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await admin.OpenAsync();
        await WriteServerFileAsync(admin, _hbaFile, _originalHba);
        await ExecuteAsync(admin, $"DROP ROLE IF EXISTS {Role}");
    }

    /// <summary>Writes a file as the server (through a large object, exported), then reloads the configuration.</summary>
    private static async Task WriteServerFileAsync(NpgsqlConnection admin, string path, string content)
    {
        await using var create = new NpgsqlCommand("SELECT lo_from_bytea(0, convert_to($1, 'UTF8'))", admin);
        create.Parameters.Add(new NpgsqlParameter { Value = content });
        var oid = (uint)(await create.ExecuteScalarAsync())!;
        await using var export = new NpgsqlCommand("SELECT lo_export($1, $2), lo_unlink($1), pg_reload_conf()", admin);
        export.Parameters.Add(new NpgsqlParameter { Value = oid, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid });
        export.Parameters.Add(new NpgsqlParameter { Value = path });
        await export.ExecuteNonQueryAsync();
    }

    /// <summary>The reload is a signal; wait until a login without the password is refused.</summary>
    private async Task WaitUntilPasswordRequiredAsync()
    {
        var withoutPassword = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Username = Role, Password = null, Pooling = false }.ConnectionString;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(withoutPassword);
                await connection.OpenAsync();
            }
            catch (NpgsqlException)
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException("the server kept admitting the role without a password");
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
