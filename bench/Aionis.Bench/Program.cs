using Aionis.Bench;

var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchmark).IsAssignableFrom(t))
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0 || args[0] is "-h" or "--help" or "list")
{
    Console.WriteLine("usage: scripts/bench.sh NAME|all");
    foreach (var b in benchmarks) Console.WriteLine($"  {b.Name,-22} {b.Description}");
    return args.Length == 0 ? 64 : 0;
}

var selected = args[0] == "all" ? benchmarks : benchmarks.Where(b => b.Name == args[0]).ToList();
if (selected.Count == 0)
{
    Console.Error.WriteLine($"unknown benchmark '{args[0]}'; known: {string.Join(", ", benchmarks.Select(b => b.Name))}");
    return 64;
}

var context = BenchContext.FromEnvironment();
var exit = 0;
foreach (var benchmark in selected)
{
    exit |= await benchmark.RunAsync(context);
}
return exit;
