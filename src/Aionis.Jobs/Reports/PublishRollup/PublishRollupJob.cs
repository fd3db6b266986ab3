using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.PublishRollup;

/// <summary>
/// The replay outcome roll-up as a job (docs/jobs/reports.md; the original served it from an admin endpoint). The summary is
/// the roll-up itself; <c>--out</c> writes it, with a Markdown beside it (<c>.md</c>) for people.
/// </summary>
[Job("hosted-incident-publish-rollup", "Replay outcome roll-up of the incident publish queue: jobs by status, replay activity, failed sample",
    Permissions = [Permissions.ReadControlPlane], PerTenant = true)]
public sealed class PublishRollupJob(PublishRollupReader reader) : IJob<PublishRollupOptions, PublishRollupReport>
{
    public async Task<PublishRollupReport> RunAsync(PublishRollupOptions options, JobContext context)
    {
        var report = await reader.ReadAsync(options.TenantId, options.WindowHours, options.SampleLimit, context.Now, context.CancellationToken);
        if (options.Out is { } summaryFile)
        {
            var markdown = Path.ChangeExtension(context.ResolveOutputPath(summaryFile), ".md");
            Directory.CreateDirectory(Path.GetDirectoryName(markdown)!);
            await File.WriteAllTextAsync(markdown, PublishRollupMarkdown.Render(report, context.DryRun), context.CancellationToken);
            context.Artifacts.Add(context.IsFanOutStep ? $"rollup_md_{report.TenantId}" : "rollup_md", markdown);
        }
        return report;
    }
}
