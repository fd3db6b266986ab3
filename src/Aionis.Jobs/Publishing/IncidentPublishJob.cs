using System.Text.Json.Serialization;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Publishing;

public sealed class IncidentPublishOptions : JobOptions, ISummaryFileOptions
{
    [Option("source-dir", "Bundle folder to publish", Required = true)]
    public string SourceDir { get; set; } = "";

    [Option("target", "Publish target: s3://bucket/prefix, gs://bucket/prefix, az://…, file:///path or a path", Required = true)]
    public string Target { get; set; } = "";

    [Option("run-id", "Run id: objects go to prefix/run_id/relative_path", Required = true)]
    public string RunId { get; set; } = "";

    [Option("max-parallel-uploads", "Files uploaded at once", Min = 1, Max = 64)]
    public int MaxParallelUploads { get; set; } = PublishRequest.DefaultMaxParallelUploads;

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    public override IEnumerable<OptionError> Validate()
    {
        if (PublishOptionChecks.TargetProblem(Target) is { } target) yield return new OptionError("target", Target, target);
        if (PublishOptionChecks.RunIdProblem(RunId) is { } runId) yield return new OptionError("run-id", RunId, runId);
        if (!Directory.Exists(SourceDir)) yield return new OptionError("source-dir", SourceDir, "is not a directory");
    }
}

/// <summary>The reference's publish output <c>{ok, adapter, target, run_id, published_uri, attestation}</c>; a dry run lists the files instead.</summary>
public sealed record IncidentPublishSummary(
    bool Ok,
    bool DryRun,
    string Adapter,
    string Target,
    string RunId,
    string PublishedUri,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PublishAttestation? Attestation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? WouldUpload) : IJobSummary;

/// <summary>Publishes a bundle folder to a target in-process: S3, GCS, Azure Blob or a local folder.</summary>
[Job("incident-publish-hosted", "Publishes an incident bundle folder to object storage or a folder, with attestation",
    Permissions = [Permissions.UploadObjectStorage], NeedsDatabase = false, Time = TimeDependence.PresentOnly)]
public sealed class IncidentPublishJob(IPublisherFactory publishers) : IJob<IncidentPublishOptions, IncidentPublishSummary>
{
    public async Task<IncidentPublishSummary> RunAsync(IncidentPublishOptions options, JobContext context)
    {
        var publisher = publishers.Create(PublishTarget.Resolve(options.Target, context));
        var publishedUri = publisher.Target.PublishedUri(options.RunId);
        if (context.DryRun)
        {
            var files = PublishFiles.List(options.SourceDir);
            context.Actions.Record("upload", publishedUri, files.Count, new { bytes = files.Sum(f => f.Size) });
            return new IncidentPublishSummary(true, true, publisher.Target.Adapter, options.Target, options.RunId, publishedUri, null,
                files.Select(f => f.RelativePath).ToList());
        }

        var result = await publisher.PublishDirectoryAsync(
            new PublishRequest(options.SourceDir, options.RunId) { MaxParallelUploads = options.MaxParallelUploads }, context.CancellationToken);
        context.Actions.Record("upload", result.PublishedUri, result.ObjectCount);
        context.Artifacts.Add("published_uri", result.PublishedUri);
        return new IncidentPublishSummary(result.Ok, false, result.Adapter, result.Target, result.RunId, result.PublishedUri, result.Attestation, null);
    }
}
