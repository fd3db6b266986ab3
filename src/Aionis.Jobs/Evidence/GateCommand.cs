using System.Diagnostics;

namespace Aionis.Jobs.Evidence;

/// <summary>
/// Runs a <c>--gate-command</c> with <c>/bin/sh -c</c> in the bundle folder; stdout and stderr go to the step's log. The
/// bundle's signing key is removed from the command's environment so a command that prints its environment can't leak it.
/// </summary>
public static class GateCommand
{
    public const string SigningKeyVariable = "INCIDENT_BUNDLE_SIGNING_KEY";

    public static async Task<int> RunAsync(string command, string workingDirectory, IReadOnlyDictionary<string, string> environment,
        StepLog log, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        info.Environment.Remove(SigningKeyVariable);
        foreach (var (name, value) in environment) info.Environment[name] = value;

        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.WriteLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return process.ExitCode;
    }
}
