using Aionis.Jobs.Framework;
using Aionis.Jobs.Publishing;

namespace Aionis.Jobs.Evidence;

/// <summary>Where the sealed bundle went; "" for whatever does not apply, as in the reference's artifacts.</summary>
public sealed record PublishOutcome(string JobId, string Adapter, string AttestationJson, string PublishedUri)
{
    public static PublishOutcome None { get; } = new("", "", "", "");
}

/// <summary>
/// The bundle's last step: publish the sealed bundle now (<c>incident-publish-hosted</c>, attestation into
/// <c>publish_attestation.json</c>) or enqueue it (<c>hosted-incident-publish-enqueue</c>, job id in the summary).
/// A dry run publishes and enqueues nothing; it records what it would have done.
/// </summary>
public static class BundlePublishStep
{
    public const string Name = "publish_bundle";

    public static async Task<PublishOutcome> RunAsync(BundleSteps steps, IncidentBundleOptions options, BundleIdentity identity,
        string bundleDir, int fileCount, JobContext context)
    {
        var runId = identity.RunId;
        if (identity.PublishTarget is not { Length: > 0 } target)
        {
            await steps.SkipAsync(Name, BundleFiles.PublishLog, "skipped_no_publish_target");
            return PublishOutcome.None;
        }
        if (context.DryRun)
        {
            context.Actions.Record(options.PublishAsync ? "enqueue_publish" : "publish_bundle", target, fileCount,
                new { run_id = runId, source_dir = bundleDir });
            await steps.SkipAsync(Name, BundleFiles.PublishLog, "dry_run");
            return PublishOutcome.None;
        }

        var outcome = PublishOutcome.None;
        if (options.PublishAsync)
        {
            await steps.RunJobAsync<PublishEnqueueOptions, PublishEnqueueSummary>(Name, BundleFiles.PublishLog, enqueue =>
            {
                enqueue.RunId = runId;
                enqueue.SourceDir = bundleDir;
                enqueue.Target = target;
                enqueue.TenantId = options.TenantId;
                enqueue.Out = Path.Combine(bundleDir, BundleFiles.PublishEnqueue);
            }, dryRun: false, summary =>
            {
                var jobId = summary.Job?.Id.ToString() ?? "";
                outcome = PublishOutcome.None with { JobId = jobId };
                return Task.FromResult($"queued,target={target},job_id={jobId}");
            });
        }
        else
        {
            await steps.RunJobAsync<IncidentPublishOptions, IncidentPublishSummary>(Name, BundleFiles.PublishLog, publish =>
            {
                publish.RunId = runId;
                publish.SourceDir = bundleDir;
                publish.Target = target;
            }, dryRun: false, async summary =>
            {
                var attestationFile = Path.Combine(bundleDir, BundleFiles.PublishAttestation);
                await File.WriteAllBytesAsync(attestationFile, EvidenceJson.Bytes((object?)summary.Attestation ?? new { }), context.CancellationToken);
                outcome = new PublishOutcome("", summary.Adapter, attestationFile, summary.PublishedUri);
                return $"target={target},adapter={summary.Adapter}";
            });
        }
        if (outcome.PublishedUri.Length > 0)
        {
            context.Artifacts.Add(identity.Artifact("published_uri"), outcome.PublishedUri);
        }
        return outcome;
    }
}
