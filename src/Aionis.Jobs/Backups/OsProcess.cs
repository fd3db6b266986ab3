using System.Diagnostics;

namespace Aionis.Jobs.Backups;

/// <summary>What a child process (pgbackrest, pg_ctl…) printed and how it ended.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The last ERROR line it printed (its cause), else the end of stderr, bounded.</summary>
    public string Error
    {
        get
        {
            var lines = (Stderr + "\n" + Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var error = lines.LastOrDefault(l => l.Contains("ERROR:", StringComparison.Ordinal)) ?? lines.LastOrDefault() ?? "";
            return error.Length > 1000 ? error[..1000] + "…" : error;
        }
    }
}

/// <summary>
/// Child processes of the PITR jobs (pgbackrest, pg_ctl, pg_controldata), run as another OS user through
/// <c>runuser</c> when asked: PostgreSQL refuses to run as root and the repository belongs to the server's user.
/// </summary>
public static class OsProcess
{
    public static ProcessStartInfo StartInfo(string? osUser, string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(osUser is null ? program : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (osUser is not null)
        {
            foreach (var prefix in new[] { "-u", osUser, "--", program }) info.ArgumentList.Add(prefix);
        }
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // Inherited libpq and pgBackRest settings must not redirect the child (PGBACKREST_* would override the conf).
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }
        return info;
    }

    /// <summary>Runs to completion; on cancellation the process tree is killed before the cancellation propagates.</summary>
    public static async Task<ProcessResult> RunAsync(ProcessStartInfo info, CancellationToken cancellationToken)
    {
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} could not be started");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}
