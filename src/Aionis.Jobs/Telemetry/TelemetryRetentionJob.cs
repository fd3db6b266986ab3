using System.Text.Json.Serialization;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Telemetry;

/// <summary>
/// One pass. Beyond the reference: how long it took and in how many delete transactions (a pass that walks past rows
/// that are not eligible needs several), and the longest of those, which is what the table's writers may wait behind.
/// </summary>
public sealed record RetentionPass(int Pass, int Deleted, bool Ok, long ElapsedMs, int Transactions, long SlowestTransactionMs);

public sealed record TelemetryRetentionSummary(
    bool Ok,
    bool Strict,
    DateTimeOffset CheckedAt,
    string? TenantId,
    int OlderThanHours,
    int BatchLimit,
    int MaxPasses,
    int Passes,
    long TotalDeleted,
    bool ReachedPassLimit,
    IReadOnlyList<RetentionPass> Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool DryRun = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? WouldDelete = null) : IJobSummary;

/// <summary>
/// Deletes request telemetry older than the retention, oldest first, in passes of at most batch-limit rows,
/// with a progress line per pass. Not ok when the table is missing or eligible rows remain after max-passes.
/// A dry run counts what would go and deletes nothing.
/// </summary>
[Job("hosted-telemetry-retention", "Deletes request telemetry older than the retention, in bounded batches",
    Permissions = [Permissions.ReadControlPlane, Permissions.DeleteTelemetry], Time = TimeDependence.PresentOnly)]
public sealed class TelemetryRetentionJob(TelemetryPurger purger) : IJob<TelemetryRetentionOptions, TelemetryRetentionSummary>
{
    public async Task<TelemetryRetentionSummary> RunAsync(TelemetryRetentionOptions options, JobContext context)
    {
        var now = context.Now;
        var scope = new PurgeScope(now - TimeSpan.FromHours(options.OlderThanHours), options.TenantId);
        var target = options.TenantId is null ? RequestTelemetry.Table : $"{RequestTelemetry.Table} (tenant {options.TenantId})";
        TelemetryRetentionSummary Summary(bool ok, IReadOnlyList<RetentionPass> detail, bool reachedLimit) => new(
            ok, options.Strict, now, options.TenantId, options.OlderThanHours, options.BatchLimit, options.MaxPasses,
            detail.Count, detail.Sum(p => (long)p.Deleted), reachedLimit, detail, DryRun: context.DryRun);

        try
        {
            if (context.DryRun)
            {
                var eligible = await purger.CountEligibleAsync(scope, context.CancellationToken);
                var wouldDelete = Math.Min(eligible, (long)options.BatchLimit * options.MaxPasses);
                context.Actions.Record("delete", target, wouldDelete, new { cutoff = scope.Cutoff, eligible });
                context.Progress($"[hosted-telemetry-retention] dry run: {eligible} rows older than {scope.Cutoff:O} would be deleted, none were");
                return Summary(eligible <= wouldDelete, [], eligible > wouldDelete) with { WouldDelete = wouldDelete };
            }

            await using var cursor = await purger.StartAsync(scope, context.CancellationToken);
            var passes = new List<RetentionPass>();
            long total = 0;
            for (var pass = 1; pass <= options.MaxPasses; pass++)
            {
                var batches = await cursor.DeleteAsync(options.BatchLimit, context.CancellationToken);
                var deleted = batches.Sum(b => b.Deleted);
                var elapsedMs = (long)batches.Sum(b => b.Elapsed.TotalMilliseconds);
                total += deleted;
                // A pass that starts at the end of the walk runs no statement (the reference's last, empty pass).
                var slowestMs = batches.Count == 0 ? 0 : (long)batches.Max(b => b.Elapsed.TotalMilliseconds);
                passes.Add(new RetentionPass(pass, deleted, true, elapsedMs, batches.Count, slowestMs));
                context.Progress($"[hosted-telemetry-retention] pass {pass}: deleted {deleted} (total {total}) in {elapsedMs} ms, {batches.Count} transaction(s)");
                if (deleted < options.BatchLimit) break;
            }
            var reachedLimit = passes.Count == options.MaxPasses && passes[^1].Deleted == options.BatchLimit
                && await cursor.AnyEligibleLeftAsync(context.CancellationToken);
            context.Actions.Record("delete", target, total, new { cutoff = scope.Cutoff, passes = passes.Count });
            return Summary(!reachedLimit, passes, reachedLimit);
        }
        catch (Exception e) when (PostgresFailures.IsUndefinedTable(e))
        {
            return Summary(false, [], false) with { Error = RequestTelemetry.TableMissing };
        }
    }
}
