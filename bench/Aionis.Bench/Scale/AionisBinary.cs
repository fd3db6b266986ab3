using System.Diagnostics;

namespace Aionis.Bench.Scale;

public sealed record TimedRun(int ExitCode, TimeSpan Wall, string Stdout, string Stderr);

/// <summary>
/// The real <c>aionis</c>, run as a child process and timed: the Release build scripts/bench.sh makes, or the binary named
/// by <c>AIONIS_BENCH_AIONIS_DLL</c> (e.g. a ReadyToRun <c>dotnet publish -r linux-x64</c> output).
/// </summary>
internal static class AionisBinary
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string DllPath => Environment.GetEnvironmentVariable("AIONIS_BENCH_AIONIS_DLL") is { Length: > 0 } dll
        ? Path.GetFullPath(dll)
        : Path.Combine(RepositoryRoot, "src", "Aionis.Worker", "bin", "Release", "net10.0", "aionis.dll");

    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> args, IDictionary<string, string?> env)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in env) info.Environment[key] = value;
        return info;
    }

    /// <summary>Wall time from process start to exit, output captured.</summary>
    public static Task<TimedRun> RunAsync(IEnumerable<string> args, IDictionary<string, string?> env) =>
        TimeAsync(StartInfo("dotnet", [DllPath, .. args], env));

    /// <summary>Any child process, timed from its start to its exit, its output captured.</summary>
    public static async Task<TimedRun> TimeAsync(ProcessStartInfo info)
    {
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        watch.Stop();
        return new TimedRun(process.ExitCode, watch.Elapsed, await stdout, await stderr);
    }

    /// <summary>
    /// <see cref="RunOkAsync"/> under GNU time (<c>/usr/bin/time</c>), which adds about a millisecond: also the process's
    /// peak resident set (VmHWM) in MB.
    /// </summary>
    public static async Task<(TimedRun Run, double PeakRssMb)> RunOkWithPeakRssAsync(IEnumerable<string> args, IDictionary<string, string?> env)
    {
        var report = Path.GetTempFileName();
        var run = await TimeAsync(StartInfo("/usr/bin/time", ["-f", "%M", "-o", report, "dotnet", DllPath, .. args], env));
        if (run.ExitCode is not (0 or 2)) throw new InvalidOperationException($"aionis {string.Join(' ', args)} exited {run.ExitCode}:\n{run.Stderr}{run.Stdout}");
        var kb = double.Parse(File.ReadAllLines(report).Last(l => l.Length > 0), System.Globalization.CultureInfo.InvariantCulture);
        File.Delete(report);
        return (run, kb / 1024);
    }

    /// <summary>Runs the command and fails loudly when it does not exit 0 (a benchmark of a failing command measures nothing).</summary>
    public static async Task<TimedRun> RunOkAsync(IEnumerable<string> args, IDictionary<string, string?> env)
    {
        var run = await RunAsync(args, env);
        return run.ExitCode == 0
            ? run
            : throw new InvalidOperationException($"aionis {string.Join(' ', args)} exited {run.ExitCode}:\n{run.Stderr}{run.Stdout}");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Aionis.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("run the benchmarks from the repository (scripts/bench.sh NAME)");
    }
}
