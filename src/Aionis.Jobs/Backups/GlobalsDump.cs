using System.Text.RegularExpressions;
using Npgsql;

namespace Aionis.Jobs.Backups;

/// <summary>
/// <c>pg_dumpall --globals-only</c> beside a dump (<c>backup-create --globals</c>): the roles (and tablespaces) a database
/// dump does not hold. The drill restores it first, but only the roles missing on the scratch server: it must never
/// alter a live role (a rotated password would be set back), and the roles it created are dropped with the scratch database.
/// </summary>
public static partial class GlobalsDump
{
    public const string FileName = "globals.sql";

    public static Task DumpAsync(PgClient pg, BackupDatabase database, string path, CancellationToken cancellationToken) =>
        pg.RunAsync("pg_dumpall", database.ConnectionString, ["--globals-only", "--no-role-passwords", $"--database={database.Name}", $"--file={path}"], cancellationToken);

    /// <summary>Creates the roles of the dump that the server lacks (CREATE ROLE and its ALTER ROLE … WITH); returns their names.</summary>
    public static async Task<List<string>> CreateMissingRolesAsync(string serverConnectionString, string path, CancellationToken cancellationToken)
    {
        var script = await File.ReadAllLinesAsync(path, cancellationToken);
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync(cancellationToken);
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await using (var list = new NpgsqlCommand("SELECT quote_ident(rolname) FROM pg_roles", connection))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) existing.Add(reader.GetString(0));
        }
        var created = new List<string>();
        foreach (var line in script)
        {
            if (RoleStatement().Match(line) is not { Success: true } m || existing.Contains(m.Groups["role"].Value)) continue;
            await using var command = new NpgsqlCommand(line, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            if (m.Groups["verb"].Value == "CREATE") created.Add(m.Groups["role"].Value);
        }
        return created;
    }

    /// <summary>Drops roles a drill created (quoted identifiers, as pg_dumpall wrote them).</summary>
    public static async Task DropRolesAsync(string serverConnectionString, IEnumerable<string> roles)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        foreach (var role in roles)
        {
            await using var command = new NpgsqlCommand($"DROP ROLE IF EXISTS {role}", connection);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    // pg_dumpall writes one role per statement: "CREATE ROLE name;" then "ALTER ROLE name WITH …;" (names quoted when needed).
    [GeneratedRegex("^(?<verb>CREATE|ALTER) ROLE (?<role>\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)( WITH [^;]*)?;$")]
    private static partial Regex RoleStatement();
}
