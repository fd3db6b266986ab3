using System.Text.Json.Nodes;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

/// <summary>Where the sealed bundle went; "" for whatever does not apply, as in the reference's artifacts.</summary>
public sealed record PublishOutcome(string JobId, string Adapter, string AttestationJson, string PublishedUri)
{
    public static PublishOutcome None { get; } = new("", "", "", "");
}

/// <summary>
/// Step 11 of reference §10: publish the sealed bundle now (<c>incident-publish-hosted</c>, attestation into
/// <c>publish_attestation.json</c>) or enqueue it (<c>hosted-incident-publish-enqueue</c>, job id in the summary).
/// A dry run publishes and enqueues nothing; it records what it would have done.
/// </summary>
public static class BundlePublishStep
{
    public const string Name = "publish_bundle";
    public const string PublishJob = "incident-publish-hosted";
    public const string EnqueueJob = "hosted-incident-publish-enqueue";

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
        var publish = new Dictionary<string, object?> { ["run-id"] = runId, ["source-dir"] = bundleDir, ["target"] = target };
        if (options.PublishAsync)
        {
            publish["tenant-id"] = options.TenantId;
            publish["out"] = Path.Combine(bundleDir, BundleFiles.PublishEnqueue);
            await steps.RunJobAsync(Name, BundleFiles.PublishLog, EnqueueJob, publish, dryRun: false, result =>
            {
                var jobId = SummaryOf(result)["job"]?["id"]?.ToString() ?? "";
                outcome = PublishOutcome.None with { JobId = jobId };
                return Task.FromResult($"queued,target={target},job_id={jobId}");
            });
        }
        else
        {
            await steps.RunJobAsync(Name, BundleFiles.PublishLog, PublishJob, publish, dryRun: false, async result =>
            {
                var summary = SummaryOf(result);
                var adapter = summary["adapter"]?.ToString() ?? "";
                var attestationFile = Path.Combine(bundleDir, BundleFiles.PublishAttestation);
                await File.WriteAllBytesAsync(attestationFile, EvidenceJson.Bytes(summary["attestation"] ?? new JsonObject()), context.CancellationToken);
                outcome = new PublishOutcome("", adapter, attestationFile, summary["published_uri"]?.ToString() ?? "");
                return $"target={target},adapter={adapter}";
            });
        }
        if (outcome.PublishedUri.Length > 0)
        {
            context.Artifacts.Add(identity.Artifact("published_uri"), outcome.PublishedUri);
        }
        return outcome;
    }

    /// <summary>The nested job's summary as JSON, read by field name: its type belongs to another area.</summary>
    private static JsonNode SummaryOf(NestedJobResult result) => JsonNode.Parse(JobJson.Serialize(result.Summary)) ?? new JsonObject();
}
