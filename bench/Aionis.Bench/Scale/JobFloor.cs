namespace Aionis.Bench.Scale;

/// <summary>
/// The cold-start benchmark's floor, <c>bench/Aionis.Bench.JobFloor</c>, as scripts/bench.sh publishes it (ReadyToRun, like
/// the worker) and names it in <c>AIONIS_BENCH_FLOOR_DLL</c>: run as a child process and timed like <see cref="AionisBinary"/>.
/// </summary>
internal static class JobFloor
{
    private static string DllPath => Environment.GetEnvironmentVariable("AIONIS_BENCH_FLOOR_DLL") is { Length: > 0 } dll
        ? Path.GetFullPath(dll)
        : throw new InvalidOperationException("AIONIS_BENCH_FLOOR_DLL is not set: run the benchmarks with scripts/bench.sh");

    public static async Task<TimedRun> RunOkAsync(string connectionString)
    {
        var run = await AionisBinary.TimeAsync(AionisBinary.StartInfo("dotnet", [DllPath, connectionString], new Dictionary<string, string?>()));
        return run.ExitCode == 0 ? run : throw new InvalidOperationException($"the job floor exited {run.ExitCode}:\n{run.Stderr}{run.Stdout}");
    }
}
