using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Aionis.Jobs.Backups;

/// <summary>
/// The <c>Backups:PgBackRest</c> configuration section: which pgBackRest stanza the PITR jobs drive, with which
/// pgbackrest.conf (the worker reads it, never writes it) and which binary. Checked at start when any key is set.
/// </summary>
public sealed partial class PgBackRestSettings
{
    public const string Section = "Backups:PgBackRest";

    /// <summary>The stanza of the worker's database (required by every pitr-* job and by pitr-setup).</summary>
    public string? Stanza { get; set; }

    /// <summary>pgbackrest.conf holding the stanza's repositories; empty = pgBackRest's default (/etc/pgbackrest/pgbackrest.conf).</summary>
    public string? ConfigPath { get; set; }

    /// <summary>The pgbackrest binary: a path, or a name looked up on PATH.</summary>
    public string Executable { get; set; } = "pgbackrest";

    /// <summary>
    /// OS user that runs pgbackrest and the drill's scratch server when the worker runs as root (the repository belongs to
    /// the database server's user, and PostgreSQL refuses to run as root); ignored otherwise.
    /// </summary>
    public string? OsUser { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Stanza);

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Stanza))
            yield return $"{Section}:Stanza '' must be set to the stanza of the worker's database (see 'aionis backups pitr-setup')";
        else if (!StanzaName().IsMatch(Stanza))
            yield return $"{Section}:Stanza '{Stanza}' must be 1..64 characters of letters, digits, '_', '-' or '.'";
        if (!string.IsNullOrEmpty(ConfigPath) && !File.Exists(ConfigPath))
            yield return $"{Section}:ConfigPath '{ConfigPath}' must be an existing pgbackrest.conf";
        if (ResolveExecutable() is null)
            yield return $"{Section}:Executable '{Executable}' must be an executable file or a program on PATH (Debian: apt-get install pgbackrest)";
        if (OsUser is { Length: > 0 } user && !OsUserName().IsMatch(user))
            yield return $"{Section}:OsUser '{user}' must be an OS user name";
    }

    /// <summary>The binary's full path, or null when it cannot be found.</summary>
    public string? ResolveExecutable()
    {
        if (string.IsNullOrWhiteSpace(Executable)) return null;
        if (Executable.Contains('/')) return File.Exists(Executable) ? Path.GetFullPath(Executable) : null;
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, Executable))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The user children run as: <see cref="OsUser"/> when the worker is root, else none (the worker's own user).</summary>
    public string? EffectiveOsUser => OsUser is { Length: > 0 } user && Environment.UserName == "root" && user != "root" ? user : null;

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex StanzaName();

    [GeneratedRegex("^[a-z_][a-z0-9_.-]{0,31}$")]
    private static partial Regex OsUserName();

    /// <summary>The settings when every value is usable; else a usage error (exit 64) naming the key.</summary>
    public PgBackRestSettings Require()
    {
        var problems = Problems().Select(p => new Aionis.Jobs.Framework.OptionError("config", null, p)).ToList();
        return problems.Count == 0 ? this : throw new Aionis.Jobs.Framework.OptionBindingException(problems);
    }

    /// <summary>Stops the worker at start on a bad value (only when the section is used at all).</summary>
    public sealed class Validator : IValidateOptions<PgBackRestSettings>
    {
        public ValidateOptionsResult Validate(string? name, PgBackRestSettings options)
        {
            if (!options.IsConfigured && string.IsNullOrEmpty(options.ConfigPath) && options.Executable == "pgbackrest") return ValidateOptionsResult.Success;
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
