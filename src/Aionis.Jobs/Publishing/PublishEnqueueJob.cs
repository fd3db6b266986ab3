using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Aionis.Jobs.Framework;
using Npgsql;

namespace Aionis.Jobs.Publishing;

public sealed class PublishEnqueueOptions : JobOptions, ISummaryFileOptions, ITenantOptions
{
    [Option("tenant-id", "Tenant the job belongs to (must exist)", DefaultFrom = "MEMORY_TENANT_ID")]
    public string TenantId { get; set; } = "default";

    [Option("run-id", "Run id: the key segment the bundle is published under", Required = true)]
    public string RunId { get; set; } = "";

    [Option("source-dir", "Bundle folder to publish (default: the working directory)")]
    public string SourceDir { get; set; } = "";

    [Option("target", "Publish target: s3://bucket/prefix, gs://bucket/prefix, az://…, file:///path or a path", Required = true)]
    public string Target { get; set; } = "";

    [Option("max-attempts", "Attempts before the job is dead-lettered", Min = 1, Max = 100)]
    public int MaxAttempts { get; set; } = 5;

    [Option("metadata-json", "A JSON object stored with the job")]
    public string? MetadataJson { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    public override IEnumerable<OptionError> Validate()
    {
        if (PublishOptionChecks.TargetProblem(Target) is { } target) yield return new OptionError("target", Target, target);
        if (PublishOptionChecks.RunIdProblem(RunId) is { } runId) yield return new OptionError("run-id", RunId, runId);
        if (MetadataJson is not null && MetadataProblem(MetadataJson) is { } metadata) yield return new OptionError("metadata-json", MetadataJson, metadata);
    }

    public override void ApplyDerivedLimits() =>
        SourceDir = Path.GetFullPath(SourceDir.Length == 0 ? Directory.GetCurrentDirectory() : SourceDir);

    public JsonObject Metadata => MetadataJson is null ? [] : JsonNode.Parse(MetadataJson) as JsonObject ?? [];

    private static string? MetadataProblem(string json)
    {
        try
        {
            return JsonNode.Parse(json) is JsonObject ? null : "expected a JSON object";
        }
        catch (JsonException e)
        {
            return "invalid JSON: " + e.Message;
        }
    }
}

public sealed record PublishEnqueueSummary(
    bool Ok,
    bool DryRun,
    DateTimeOffset QueuedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PublishJobRow? Job) : IJobSummary;

/// <summary>Queues a bundle for the publish worker; every target form of <see cref="PublishTarget"/> is accepted.</summary>
[Job("hosted-incident-publish-enqueue", "Queues an incident bundle for asynchronous publishing", Permissions = [Permissions.WritePublishQueue], Time = TimeDependence.PresentOnly)]
public sealed class PublishEnqueueJob(PublishQueue queue) : IJob<PublishEnqueueOptions, PublishEnqueueSummary>
{
    public async Task<PublishEnqueueSummary> RunAsync(PublishEnqueueOptions options, JobContext context)
    {
        // The publish worker may run on another node, from another folder: the queue row keeps an absolute location.
        var target = PublishTarget.Resolve(options.Target, context);
        context.Actions.Record("enqueue_publish", target, 1, new { tenant_id = options.TenantId, run_id = options.RunId, source_dir = options.SourceDir });
        if (context.DryRun) return new PublishEnqueueSummary(true, true, context.Now, null);
        PublishJobRow row;
        try
        {
            row = await queue.EnqueueAsync(options.TenantId, options.RunId, options.SourceDir, target, options.MaxAttempts,
                options.Metadata, context.CancellationToken);
        }
        catch (PostgresException e) when (PostgresFailures.IsForeignKeyViolation(e))
        {
            // The only reference of a queue row is its tenant: an unknown tenant is a bad option value, not a failure.
            throw new OptionBindingException([new OptionError("tenant-id", options.TenantId, "no such tenant")]);
        }
        return new PublishEnqueueSummary(true, false, context.Now, row);
    }
}
