using System.Diagnostics;

namespace Aionis.Jobs.Evidence;

/// <summary>
/// Runs a <c>--gate-command</c> with <c>/bin/sh -c</c> in the bundle folder; stdout and stderr, redacted, go to the step's
/// log. The command does not inherit the worker's environment (database URL, cloud keys, webhook URLs): it gets
/// <see cref="AllowedVariables"/>, the variables the task names (<c>--gate-env</c>) and the bundle's own <c>AIONIS_*</c>.
/// </summary>
public static class GateCommand
{
    public const string SigningKeyVariable = "INCIDENT_BUNDLE_SIGNING_KEY";

    /// <summary>The worker's variables every gate command gets.</summary>
    public static readonly IReadOnlyList<string> AllowedVariables = ["PATH", "HOME", "LANG", "TZ"];

    /// <param name="passed">Names of the worker's environment variables the task passes on (beyond <see cref="AllowedVariables"/>).</param>
    /// <param name="bundleVariables">The bundle's <c>AIONIS_*</c> variables.</param>
    public static async Task<int> RunAsync(string command, string workingDirectory, IEnumerable<string> passed,
        IReadOnlyDictionary<string, string> bundleVariables, GateOutputRedactor redactor, StepLog log, CancellationToken cancellationToken)
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
        info.Environment.Clear();
        foreach (var name in AllowedVariables.Concat(passed).Where(name => name != SigningKeyVariable))
        {
            if (Environment.GetEnvironmentVariable(name) is { } value) info.Environment[name] = value;
        }
        foreach (var (name, value) in bundleVariables) info.Environment[name] = value;

        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.WriteLine(redactor.Redact(e.Data)); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.WriteLine(redactor.Redact(e.Data)); };
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
