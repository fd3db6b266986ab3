namespace Aionis.Bench;

/// <summary>One benchmark, selected by <see cref="Name"/> on the command line. Returns 0 when every target is met.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    Task<int> RunAsync(BenchContext context);
}

/// <summary>What scripts/bench.sh provides: an admin connection to a PostgreSQL of the benchmark's own, and a scratch folder.</summary>
public sealed record BenchContext(string PostgresAdmin, string WorkDirectory, IReadOnlyDictionary<string, string> Environment)
{
    public static BenchContext FromEnvironment()
    {
        var admin = System.Environment.GetEnvironmentVariable("AIONIS_BENCH_PG")
            ?? throw new InvalidOperationException("AIONIS_BENCH_PG is not set: run benchmarks with scripts/bench.sh NAME");
        var work = System.Environment.GetEnvironmentVariable("AIONIS_BENCH_WORK") ?? Directory.CreateTempSubdirectory("aionis-bench-").FullName;
        var env = System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        return new BenchContext(admin, work, env);
    }

    /// <summary>A whole-number setting of the benchmark's environment (rounds, sizes), or <paramref name="otherwise"/>.</summary>
    public int IntSetting(string variable, int otherwise) =>
        Environment.TryGetValue(variable, out var text) ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : otherwise;
}
