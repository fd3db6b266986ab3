using System.Diagnostics;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Aionis.Jobs.Backups;

/// <summary>
/// Runs PostgreSQL's client programs (pg_dump, pg_restore) against a connection string. The connection reaches the
/// child through libpq's environment (<c>PGHOST</c>, <c>PGPORT</c>, <c>PGUSER</c>, <c>PGDATABASE</c>, <c>PGSSLMODE</c>)
/// and a password file; the command line holds no connection details at all.
/// </summary>
public sealed class PgClient(IOptions<BackupSettings> settings)
{
    private const int ErrorChars = 1000;

    public string ProgramPath(string program) => Path.Combine(BinDirectory(), program);

    /// <summary>The start info for a client program; <paramref name="passFile"/> is the password file, if the connection has a password.</summary>
    public ProcessStartInfo StartInfo(string program, string connectionString, IEnumerable<string> arguments, string? passFile)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        var info = new ProcessStartInfo(ProgramPath(program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);

        // Inherited libpq settings (PGPASSWORD, PGSERVICE, PGOPTIONS…) must not redirect or authenticate the child.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }
        info.Environment["PGHOST"] = connection.Host;
        info.Environment["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["PGDATABASE"] = connection.Database;
        info.Environment["PGUSER"] = connection.Username ?? Environment.UserName;
        info.Environment["PGAPPNAME"] = $"aionis-worker {program}";
        info.Environment["PGCONNECT_TIMEOUT"] = Math.Max(2, connection.Timeout).ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["PGSSLMODE"] = LibpqSslMode(connection.SslMode);
        if (passFile is not null) info.Environment["PGPASSFILE"] = passFile;
        return info;
    }

    /// <summary>Runs a client program to completion; a non-zero exit throws <see cref="PgClientException"/> with its stderr (password removed).</summary>
    public async Task RunAsync(string program, string connectionString, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var password = new NpgsqlConnectionStringBuilder(connectionString).Password;
        using var passFile = string.IsNullOrEmpty(password) ? null : PgPassFile.Create(password);
        var result = await OsProcess.RunAsync(StartInfo(program, connectionString, arguments, passFile?.Path), cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new PgClientException(program, result.ExitCode, FirstError(result.Stderr, password));
        }
    }

    /// <summary>From the first <c>error:</c> line on (the cause; later lines are consequences), bounded, without the password.</summary>
    private static string FirstError(string stderr, string? password)
    {
        var error = stderr.IndexOf("error:", StringComparison.Ordinal);
        var lineStart = error < 0 ? 0 : stderr.LastIndexOf('\n', error) + 1;
        var text = stderr[lineStart..].Trim();
        if (text.Length > ErrorChars) text = text[..ErrorChars] + "…";
        return string.IsNullOrEmpty(password) ? text : text.Replace(password, Secrets.Mask, StringComparison.Ordinal);
    }

    private string BinDirectory()
    {
        if (settings.Value.PgBinDirectory is { Length: > 0 } configured) return configured;
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(d => d.Version > 0 && File.Exists(Path.Combine(d.Dir, "pg_dump")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault()
            : null;
        return installed ?? "";
    }

    private static string LibpqSslMode(SslMode mode) => mode switch
    {
        SslMode.Disable => "disable",
        SslMode.Allow => "allow",
        SslMode.Require => "require",
        SslMode.VerifyCA => "verify-ca",
        SslMode.VerifyFull => "verify-full",
        _ => "prefer",
    };
}
