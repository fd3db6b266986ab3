using Aionis.Data.History;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Housekeeping;

public sealed record HistoryRetentionPass(int Pass, int Deleted, int ArtifactPathsDeleted);

public sealed record HistoryRetentionSummary(
    bool Ok,
    bool Strict,
    bool DryRun,
    DateTimeOffset CheckedAt,
    DateTimeOffset Cutoff,
    int OlderThanDays,
    int BatchLimit,
    int MaxPasses,
    long EligibleRuns,
    long TotalDeleted,
    int ArtifactPathsDeleted,
    bool ReachedPassLimit,
    IReadOnlyList<HistoryRetentionPass> Passes) : IJobSummary;

/// <summary>
/// Deletes run history older than the retention (worker.job_runs; steps cascade) in bounded batches, oldest first,
/// and the artifact files and run folders under the artifacts root that belonged to those runs.
/// </summary>
[Job("worker-history-retention", "Prune the worker's own run history and the artifacts of pruned runs", Permissions = [Permissions.DeleteHistory], Time = TimeDependence.PresentOnly)]
public sealed class HistoryRetentionJob(RunRetentionStore store) : IJob<HistoryRetentionOptions, HistoryRetentionSummary>
{
    public async Task<HistoryRetentionSummary> RunAsync(HistoryRetentionOptions options, JobContext context)
    {
        var cutoff = context.Now - TimeSpan.FromDays(options.OlderThanDays);
        var eligible = await store.CountOlderThanAsync(cutoff, context.CancellationToken);
        var passes = new List<HistoryRetentionPass>();

        if (context.DryRun)
        {
            context.Actions.Record("delete", "worker.job_runs", eligible, new { cutoff });
            return Summary(options, context, cutoff, eligible, passes, reachedLimit: false);
        }

        for (var pass = 1; pass <= options.MaxPasses; pass++)
        {
            var pruned = await store.DeleteOlderThanAsync(cutoff, options.BatchLimit, context.CancellationToken);
            var deleted = pruned.Count;
            var removedPaths = pruned.Sum(run => RemoveArtifacts(run.RunId, run.ArtifactPaths, context.ArtifactsRoot));
            passes.Add(new HistoryRetentionPass(pass, deleted, removedPaths));
            context.Progress($"worker-history-retention: pass {pass}: deleted {deleted} run(s), {removedPaths} artifact path(s)");
            if (deleted < options.BatchLimit) break;
        }
        var total = passes.Sum(p => (long)p.Deleted);
        context.Actions.Record("delete", "worker.job_runs", total, new { cutoff });
        var reachedLimit = passes.Count == options.MaxPasses && await store.CountOlderThanAsync(cutoff, context.CancellationToken) > 0;
        return Summary(options, context, cutoff, eligible, passes, reachedLimit);
    }

    private static HistoryRetentionSummary Summary(HistoryRetentionOptions options, JobContext context, DateTimeOffset cutoff, long eligible,
        List<HistoryRetentionPass> passes, bool reachedLimit) => new(
        Ok: !reachedLimit,
        Strict: options.Strict,
        DryRun: context.DryRun,
        CheckedAt: context.Now,
        Cutoff: cutoff,
        OlderThanDays: options.OlderThanDays,
        BatchLimit: options.BatchLimit,
        MaxPasses: options.MaxPasses,
        EligibleRuns: eligible,
        TotalDeleted: passes.Sum(p => (long)p.Deleted),
        ArtifactPathsDeleted: passes.Sum(p => p.ArtifactPathsDeleted),
        ReachedPassLimit: reachedLimit,
        Passes: passes);

    /// <summary>
    /// Removes a pruned run's artifacts that live under the artifacts root: the file itself, and the folder holding it when
    /// that folder is the run's own (named with its run id through the <c>{run_id}</c> placeholder). URIs are left alone.
    /// </summary>
    private static int RemoveArtifacts(Guid runId, IEnumerable<string> paths, string artifactsRoot)
    {
        var root = Path.GetFullPath(artifactsRoot).TrimEnd('/') + "/";
        var removed = 0;
        foreach (var path in paths.Where(p => Path.IsPathRooted(p) && Path.GetFullPath(p).StartsWith(root, StringComparison.Ordinal)))
        {
            var runFolder = Ancestors(path, root).FirstOrDefault(d => Path.GetFileName(d).Contains(runId.ToString("N"), StringComparison.Ordinal));
            var target = runFolder ?? path;
            if (Directory.Exists(target)) { Directory.Delete(target, recursive: true); removed++; }
            else if (File.Exists(target)) { File.Delete(target); removed++; }
        }
        return removed;
    }

    private static IEnumerable<string> Ancestors(string path, string root)
    {
        for (var dir = Path.GetDirectoryName(path); dir is not null && (dir + "/").StartsWith(root, StringComparison.Ordinal) && dir + "/" != root; dir = Path.GetDirectoryName(dir))
        {
            yield return dir;
        }
    }
}
