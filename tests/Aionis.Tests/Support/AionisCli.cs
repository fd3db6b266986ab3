using System.Diagnostics;

namespace Aionis.Tests.Support;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs the real <c>aionis</c> binary (built beside the tests) as a child process.</summary>
public static class AionisCli
{
    /// <summary>The worker's own build output (its deps and runtimeconfig), in the configuration the tests were built in.</summary>
    public static string DllPath => Path.Combine(TestEnvironment.RepositoryRoot, "src", "Aionis.Worker", "bin",
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "aionis.dll");

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string?>? env = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) info.Environment[k] = v;
        return info;
    }

    public static async Task<CliResult> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? env = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        using var process = Process.Start(StartInfo(args, env, workingDirectory))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"aionis {string.Join(' ', args)} did not finish; stderr: {await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Environment pointing the CLI at a test database with its own artifacts and spool folders. The spool folder is made
    /// here, as every command makes it at start: a test's before/after listing of the artifacts root then shows only what
    /// the command under test wrote.
    /// </summary>
    public static Dictionary<string, string?> EnvFor(TestDatabase? database, string artifactsRoot)
    {
        var spool = Path.Combine(artifactsRoot, ".spool");
        Directory.CreateDirectory(spool);
        return new()
        {
            ["ConnectionStrings__Aionis"] = database?.ConnectionString,
            ["DATABASE_URL"] = null,
            ["Worker__ArtifactsRoot"] = artifactsRoot,
            ["Worker__SpoolDirectory"] = spool,
            ["Worker__NodeName"] = "cli-test",
            // Many serve processes run at once: the monitoring endpoints stay off unless a test gives them a port.
            ["Worker__Http__Urls"] = "",
        };
    }
}
