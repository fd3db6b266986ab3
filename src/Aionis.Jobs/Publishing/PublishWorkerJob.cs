using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Publishing;

/// <summary>One job the worker handled: <c>{id, status, published_uri}</c> or <c>{id, status, retry_delay_seconds, error}</c>.</summary>
public sealed record PublishWorkerRow(
    Guid Id,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PublishedUri = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RetryDelaySeconds = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null);

/// <summary>A job a dry run would claim (or recover).</summary>
public sealed record PlannedPublishJob(Guid Id, string TenantId, string RunId, string Target, int Attempts, int MaxAttempts);

public sealed record PublishWorkerSummary(
    bool Ok,
    bool Strict,
    bool Loop,
    bool DryRun,
    string WorkerId,
    string? TenantId,
    int Processed,
    int Succeeded,
    int Failed,
    int RecoveredStale,
    IReadOnlyList<PublishWorkerRow> Rows,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<PlannedPublishJob>? WouldRecover,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<PlannedPublishJob>? WouldClaim,
    DateTimeOffset CheckedAt) : IJobSummary;

/// <summary>
/// The publish queue worker: recovers stale locks, claims due jobs one at a time and
/// publishes each in-process, bounded by a timeout; failures back off exponentially and dead-letter at max_attempts.
/// </summary>
[Job("hosted-incident-publish-worker", "Publishes queued incident bundles with retries, backoff and dead-lettering",
    Permissions = [Permissions.ReadControlPlane, Permissions.WritePublishQueue, Permissions.UploadObjectStorage], Time = TimeDependence.PresentOnly)]
public sealed class PublishWorkerJob(PublishQueue queue, IPublisherFactory publishers) : IJob<PublishWorkerOptions, PublishWorkerSummary>
{
    private const int StaleBatch = 100;

    public async Task<PublishWorkerSummary> RunAsync(PublishWorkerOptions options, JobContext context)
    {
        if (context.DryRun) return await PlanAsync(options, context);

        var rows = new List<PublishWorkerRow>();
        var recovered = await RecoverStaleAsync(options, context);
        while (rows.Count < options.MaxJobs)
        {
            var job = await queue.ClaimAsync(options.WorkerId, options.TenantId, context.Now, context.CancellationToken);
            if (job is null)
            {
                if (!options.Loop) break;
                await Task.Delay(TimeSpan.FromMilliseconds(options.IdleSleepMs), context.Clock, context.CancellationToken);
                recovered += await RecoverStaleAsync(options, context);
                continue;
            }
            rows.Add(await ProcessAsync(job, options, context));
        }

        var succeeded = rows.Count(r => r.Status == "succeeded");
        var failed = rows.Count - succeeded;
        return new PublishWorkerSummary(failed == 0, options.Strict, options.Loop, false, options.WorkerId, options.TenantId,
            rows.Count, succeeded, failed, recovered, rows, null, null, context.Now);
    }

    private async Task<PublishWorkerRow> ProcessAsync(ClaimedPublishJob job, PublishWorkerOptions options, JobContext context)
    {
        context.Progress($"publish {job.Id} (run {job.RunId}, attempt {job.Attempts}/{job.MaxAttempts}) -> {job.Target}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.PublishTimeoutSeconds));
        try
        {
            var publisher = publishers.Create(job.Target);
            var result = await publisher.PublishDirectoryAsync(
                new PublishRequest(job.SourceDir, job.RunId) { MaxParallelUploads = options.MaxParallelUploads }, timeout.Token);
            context.Actions.Record("publish", result.PublishedUri, result.ObjectCount, new { job_id = job.Id });
            var kept = await queue.CompleteAsync(job, result.PublishedUri, JobJson.SerializeCompact(result), context.Now, CancellationToken.None);
            return kept
                ? new PublishWorkerRow(job.Id, "succeeded", PublishedUri: result.PublishedUri)
                : new PublishWorkerRow(job.Id, "lock_lost", Error: "the lock expired and the job was recovered before the publish finished");
        }
        catch (Exception e)
        {
            var error = timeout.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested
                ? $"publish timed out after {options.PublishTimeoutSeconds} s"
                : context.CancellationToken.IsCancellationRequested ? "the worker stopped during the publish" : e.Message;
            var row = await FailAsync(job, options.Retry, error, e.GetType().Name, context);
            if (context.CancellationToken.IsCancellationRequested) throw;
            return row;
        }
    }

    /// <summary>Stale <c>processing</c> rows (lock older than the timeout) count as a failed attempt of their dead worker.</summary>
    private async Task<int> RecoverStaleAsync(PublishWorkerOptions options, JobContext context)
    {
        var stale = await queue.FindStaleAsync(options.TenantId, context.Now, TimeSpan.FromSeconds(options.LockTimeoutSeconds), StaleBatch,
            context.CancellationToken);
        foreach (var job in stale)
        {
            var error = $"lock of {job.LockedBy} expired after {options.LockTimeoutSeconds} s (locked at {job.LockedAt:O})";
            await FailAsync(job, options.Retry, error, "LockExpired", context);
            context.Actions.Record("recover_stale", job.Target, 1, new { job_id = job.Id, locked_by = job.LockedBy });
        }
        return stale.Count;
    }

    private async Task<PublishWorkerRow> FailAsync(ClaimedPublishJob job, RetryPolicy retry, string error, string errorType, JobContext context)
    {
        var response = new JsonObject { ["error"] = PublishQueue.Truncate(error, 8000), ["error_type"] = errorType, ["attempt"] = job.Attempts };
        var outcome = await queue.FailAsync(job, retry, error, response.ToJsonString(), context.Now, CancellationToken.None);
        return new PublishWorkerRow(job.Id, outcome.Status ?? "lock_lost", RetryDelaySeconds: outcome.RetryDelaySeconds,
            Error: PublishQueue.Truncate(error, 1000));
    }

    private async Task<PublishWorkerSummary> PlanAsync(PublishWorkerOptions options, JobContext context)
    {
        var stale = await queue.FindStaleAsync(options.TenantId, context.Now, TimeSpan.FromSeconds(options.LockTimeoutSeconds), StaleBatch,
            context.CancellationToken);
        var due = await queue.PreviewClaimsAsync(options.TenantId, context.Now, options.MaxJobs, context.CancellationToken);
        foreach (var job in stale) context.Actions.Record("recover_stale", job.Target, 1, new { job_id = job.Id, locked_by = job.LockedBy });
        foreach (var job in due) context.Actions.Record("publish", job.Target, 1, new { job_id = job.Id, run_id = job.RunId });
        return new PublishWorkerSummary(true, options.Strict, options.Loop, true, options.WorkerId, options.TenantId, 0, 0, 0, 0, [],
            stale.Select(j => new PlannedPublishJob(j.Id, j.TenantId, j.RunId, j.Target, j.Attempts, j.MaxAttempts)).ToList(),
            due.Select(j => new PlannedPublishJob(j.Id, j.TenantId, j.RunId, j.Target, j.Attempts, j.MaxAttempts)).ToList(),
            context.Now);
    }
}
