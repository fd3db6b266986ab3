using Aionis.Bench;

var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchmark).IsAssignableFrom(t))
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

// Issue #9's measurements, side by side in one run: `scripts/bench.sh scale`.
string[] scale = ["scheduler-sync", "scheduler-fire-lag", "history-queries", "cold-start", "serve-memory"];

if (args.Length == 0 || args[0] is "-h" or "--help" or "list")
{
    Console.WriteLine("usage: scripts/bench.sh NAME [NAME...] | scale | all");
    foreach (var b in benchmarks) Console.WriteLine($"  {b.Name,-22} {b.Description}");
    Console.WriteLine($"  {"scale",-22} the scheduler's own benchmarks in one run: {string.Join(", ", scale)}");
    return args.Length == 0 ? 64 : 0;
}

var names = args.SelectMany(arg => arg switch
{
    "all" => benchmarks.Select(b => b.Name),
    "scale" => scale,
    _ => [arg],
}).ToList();
var byName = benchmarks.ToDictionary(b => b.Name);
var unknown = names.Where(name => !byName.ContainsKey(name)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"unknown benchmark '{string.Join("', '", unknown)}'; known: {string.Join(", ", benchmarks.Select(b => b.Name))}");
    return 64;
}
var selected = names.Select(name => byName[name]).ToList();

var context = BenchContext.FromEnvironment();
var exit = 0;
foreach (var benchmark in selected)
{
    exit |= await benchmark.RunAsync(context);
}
return exit;
