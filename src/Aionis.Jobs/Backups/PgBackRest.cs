using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Aionis.Jobs.Backups;

/// <summary>A pgbackrest command failed: the message names the command, its exit code and pgbackrest's own error.</summary>
public sealed class PgBackRestException(string command, ProcessResult result)
    : Exception($"pgbackrest {command} exited with code {result.ExitCode}: {result.Error}")
{
    public ProcessResult Result { get; } = result;
}

/// <summary>
/// Drives the pgbackrest CLI for the configured stanza (<c>--config</c>, <c>--stanza</c> always given) and reads its
/// <c>--output=json</c>. When the worker is root the command runs as <see cref="PgBackRestSettings.OsUser"/> (runuser),
/// because the repository belongs to the user that archive-push runs as. Cancellation kills the whole process tree.
/// </summary>
public sealed class PgBackRest(IOptions<PgBackRestSettings> options)
{
    /// <summary>The validated settings; a bad value is a usage error (exit 64) naming the key, never a stack trace.</summary>
    public PgBackRestSettings Settings
    {
        get
        {
            try
            {
                return options.Value.Require();
            }
            catch (OptionsValidationException e)
            {
                throw new Aionis.Jobs.Framework.OptionBindingException(e.Failures.Select(f => new Aionis.Jobs.Framework.OptionError("config", null, f)).ToList());
            }
        }
    }

    public string Stanza => Settings.Stanza!;

    /// <summary>The command line as an operator would type it (for plans and docs), without any secret (there is none: pgbackrest.conf holds them).</summary>
    public string Describe(string command, IEnumerable<string> arguments) =>
        string.Join(' ', ["pgbackrest", .. CommonArguments(Settings), command, .. arguments]);

    public async Task<ProcessResult> RunAsync(string command, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var settings = Settings;
        var info = OsProcess.StartInfo(settings.EffectiveOsUser, settings.ResolveExecutable()!, [.. CommonArguments(settings), command, .. arguments]);
        return await OsProcess.RunAsync(info, cancellationToken);
    }

    /// <summary>Runs a command and throws <see cref="PgBackRestException"/> unless it exits 0.</summary>
    public async Task<ProcessResult> RunCheckedAsync(string command, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var result = await RunAsync(command, arguments, cancellationToken);
        return result.ExitCode == 0 ? result : throw new PgBackRestException(command, result);
    }

    /// <summary><c>pgbackrest info --output=json</c> for the stanza (all repositories, or one).</summary>
    public async Task<PgBackRestStanzaInfo> InfoAsync(int? repo, CancellationToken cancellationToken)
    {
        var result = await RunCheckedAsync("info", ["--output=json", .. RepoArgument(repo)], cancellationToken);
        var stanzas = JsonSerializer.Deserialize<List<PgBackRestStanzaInfo>>(result.Stdout, PgBackRestStanzaInfo.Json)
            ?? throw new InvalidDataException("pgbackrest info printed no JSON");
        return stanzas.SingleOrDefault(s => s.Name == Stanza)
            ?? throw new InvalidDataException($"pgbackrest info does not know stanza '{Stanza}'");
    }

    public static IEnumerable<string> RepoArgument(int? repo) => repo is { } n ? [$"--repo={n}"] : [];

    private static IEnumerable<string> CommonArguments(PgBackRestSettings settings) =>
        [.. string.IsNullOrEmpty(settings.ConfigPath) ? Array.Empty<string>() : [$"--config={settings.ConfigPath}"], $"--stanza={settings.Stanza}"];
}
