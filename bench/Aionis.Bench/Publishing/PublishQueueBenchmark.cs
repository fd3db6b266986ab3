using System.Diagnostics;
using Aionis.Jobs.Publishing;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Bench.Publishing;

/// <summary>
/// 200 bundles of 20 files (4 KB … 1 MB, ~800 MB in all) through the queue worker into s3rver, against the same files
/// uploaded with the same client in a plain sequential loop. Memory: managed bytes allocated per byte uploaded stays
/// below 1: a file held as a byte array would cost at least 1 on its own.
/// </summary>
public sealed class PublishQueueBenchmark : IBenchmark
{
    private const int Bundles = 200;
    private const int FilesPerBundle = 20;

    public string Name => "publish-queue";
    public string Description => "200 bundles x 20 files through the publish worker into s3rver vs a plain upload loop";

    public async Task<int> RunAsync(BenchContext context)
    {
        var endpoint = context.Environment.GetValueOrDefault("AIONIS_BENCH_S3_ENDPOINT")
            ?? throw new InvalidOperationException("AIONIS_BENCH_S3_ENDPOINT is not set: run with scripts/bench.sh publish-queue");
        var settings = new Dictionary<string, string?>
        {
            ["AWS_ENDPOINT_URL_S3"] = endpoint, ["AWS_ACCESS_KEY_ID"] = "S3RVER", ["AWS_SECRET_ACCESS_KEY"] = "S3RVER", ["AWS_REGION"] = "us-east-1",
        };
        var bundles = MakeBundles(Path.Combine(context.WorkDirectory, "bundles"));
        var totalBytes = bundles.Sum(b => PublishFiles.List(b).Sum(f => f.Size));
        using var s3 = S3ClientFactory.Create(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await s3.PutBucketAsync("plain");
        await s3.PutBucketAsync("queued");

        GC.Collect();
        var plainAllocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var plain = Stopwatch.StartNew();
        foreach (var (bundle, i) in bundles.Select((b, i) => (b, i)))
        {
            foreach (var file in PublishFiles.List(bundle))
            {
                await S3Publisher.UploadAsync(s3, "plain", $"incidents/run-{i:000}/{file.RelativePath}", file.FullPath, CancellationToken.None);
            }
        }
        plain.Stop();
        var plainAllocatedPerByte = (double)(GC.GetTotalAllocatedBytes(precise: true) - plainAllocatedBefore) / totalBytes;

        await using var db = await PublishingBenchDatabase.CreateAsync(context, "bench_publish_queue", settings);
        await db.ExecuteAsync("INSERT INTO control_tenants (tenant_id) VALUES ('bench')");
        for (var i = 0; i < bundles.Count; i++)
        {
            await db.ExecuteAsync("INSERT INTO control_incident_publish_jobs (tenant_id, run_id, source_dir, target) VALUES ('bench', $1, $2, 's3://queued/incidents')",
                $"run-{i:000}", bundles[i]);
        }

        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var queued = Stopwatch.StartNew();
        var result = await db.RunJobAsync("hosted-incident-publish-worker", new Dictionary<string, object?> { ["max-jobs"] = "2000" });
        queued.Stop();
        var allocatedPerByte = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / totalBytes;
        var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;

        var published = result.Summary is PublishWorkerSummary s ? s.Succeeded : 0;
        var plainRate = Bundles / plain.Elapsed.TotalSeconds;
        var queuedRate = Bundles / queued.Elapsed.TotalSeconds;
        var table = new BenchTable($"publish-queue: {Bundles} bundles x {FilesPerBundle} files, {totalBytes / 1048576.0:0} MB into s3rver");
        table.Add("bundles published by the worker", published, "", $"= {Bundles}", published == Bundles);
        table.Add("plain upload loop", plainRate, " bundles/s", "", true);
        table.Add("queue worker", queuedRate, " bundles/s", "", true);
        table.Add("worker / plain loop", queuedRate / plainRate, "x", ">= 0.8", queuedRate / plainRate >= 0.8);
        table.Add("allocated per byte uploaded: plain loop", plainAllocatedPerByte, " B/B", "", true);
        table.Add("allocated per byte uploaded: worker", allocatedPerByte, " B/B", "< 1", allocatedPerByte < 1);
        table.Info("peak working set", $"{peakMb:0} MB");
        return table.Print();
    }

    /// <summary>20 distinct files (4 KB · 2^(i mod 9), up to 1 MB) copied into 200 bundle folders: ~800 MB.</summary>
    private static List<string> MakeBundles(string root)
    {
        var originals = Path.Combine(root, "originals");
        Directory.CreateDirectory(originals);
        var random = new Random(7);
        var files = Enumerable.Range(0, FilesPerBundle).Select(i =>
        {
            var bytes = new byte[4096 << (i % 9)];
            random.NextBytes(bytes);
            var path = Path.Combine(originals, $"{i:00}_evidence.bin");
            File.WriteAllBytes(path, bytes);
            return path;
        }).ToList();

        var bundles = new List<string>();
        for (var b = 0; b < Bundles; b++)
        {
            var dir = Path.Combine(root, $"bundle-{b:000}");
            Directory.CreateDirectory(dir);
            foreach (var file in files) File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            bundles.Add(dir);
        }
        return bundles;
    }
}
