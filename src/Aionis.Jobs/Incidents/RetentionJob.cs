using Aionis.Data.Incidents;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Incidents;

public sealed class IncidentRetentionOptions : JobOptions, IStrictOptions, ISummaryFileOptions
{
    [Option("older-than-days", "Closed incidents closed longer ago than this are deleted", Min = 1, Max = 36500)]
    public int OlderThanDays { get; set; } = 180;

    [Option("batch-limit", "Incidents deleted per batch (one short transaction each)", Min = 1, Max = 10000)]
    public int BatchLimit { get; set; } = 500;

    [Option("max-passes", "Most batches per run; the rest waits for the next run", Min = 1, Max = 1000)]
    public int MaxPasses { get; set; } = 20;

    [Option("strict", "Exit 2 when the pass limit left eligible incidents behind")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }
}

public sealed record IncidentRetentionPass(int Pass, int Deleted, int FoldersDeleted);

public sealed record IncidentRetentionSummary(bool Ok, bool Strict, bool DryRun, DateTimeOffset CheckedAt, DateTimeOffset Cutoff, int OlderThanDays,
    int BatchLimit, long Eligible, long TotalDeleted, int FoldersDeleted, bool ReachedPassLimit, IReadOnlyList<IncidentRetentionPass> Passes) : IJobSummary;

/// <summary>
/// Deletes closed incidents past retention with their events, artifact rows and artifact folders, oldest first in
/// bounded batches. A dry run counts and deletes nothing.
/// </summary>
[Job("incident-retention", "Delete closed incidents past retention with their events and artifact files, in bounded batches",
    Permissions = [Permissions.WriteIncidents], Time = TimeDependence.PresentOnly)]
public sealed class IncidentRetentionJob(IncidentRetention retention, IncidentSettings settings) : IJob<IncidentRetentionOptions, IncidentRetentionSummary>
{
    public async Task<IncidentRetentionSummary> RunAsync(IncidentRetentionOptions options, JobContext context)
    {
        var cutoff = context.Now - TimeSpan.FromDays(options.OlderThanDays);
        var eligible = await retention.CountAsync(cutoff, context.CancellationToken);
        var passes = new List<IncidentRetentionPass>();
        var reachedLimit = false;
        if (!context.DryRun)
        {
            for (var pass = 1; pass <= options.MaxPasses; pass++)
            {
                var ids = await retention.DeleteBatchAsync(cutoff, options.BatchLimit, context.CancellationToken);
                var folders = ids.Count(RemoveFolder);
                passes.Add(new IncidentRetentionPass(pass, ids.Count, folders));
                context.Progress($"incident-retention: pass {pass}: deleted {ids.Count} incident(s), {folders} folder(s)");
                if (ids.Count < options.BatchLimit) break;
            }
            reachedLimit = passes.Count == options.MaxPasses && await retention.CountAsync(cutoff, context.CancellationToken) > 0;
        }
        var total = passes.Sum(p => (long)p.Deleted);
        context.Actions.Record("delete", "worker.incidents", context.DryRun ? eligible : total, new { cutoff });
        return new IncidentRetentionSummary(!reachedLimit, options.Strict, context.DryRun, context.Now, cutoff, options.OlderThanDays, options.BatchLimit,
            eligible, total, passes.Sum(p => p.FoldersDeleted), reachedLimit, passes);
    }

    private bool RemoveFolder(string incidentId)
    {
        var folder = Path.Combine(settings.Directory, incidentId);
        if (!Directory.Exists(folder)) return false;
        Directory.Delete(folder, recursive: true);
        return true;
    }
}
