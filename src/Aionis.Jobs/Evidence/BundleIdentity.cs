using System.Globalization;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

/// <summary>
/// What names one tenant's bundle: its run id (index, folder, publish key), its publish target and the names of its
/// artifacts. In a fan-out step (<c>--tenant-id "*"</c>) every tenant shares the run, so each of these carries the
/// tenant id: otherwise every tenant's bundle would publish to the same prefix and overwrite the one before.
/// </summary>
public sealed record BundleIdentity(string RunId, string? PublishTarget, string ArtifactPrefix)
{
    public static BundleIdentity For(IncidentBundleOptions options, JobContext context)
    {
        var runId = options.RunId ?? context.Now.UtcDateTime.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
        if (!context.IsFanOutStep)
        {
            return new BundleIdentity(runId, options.PublishTarget, "");
        }
        var tenant = options.TenantId;
        var target = options.PublishTarget is { Length: > 0 } t ? $"{t.TrimEnd('/')}/{tenant}" : options.PublishTarget;
        return new BundleIdentity($"{runId}_{tenant}", target, tenant + "/");
    }

    /// <summary>An artifact's name in <c>worker.job_runs.artifacts</c>: <c>bundle_dir</c>, or <c>acme/bundle_dir</c> in a fan-out step.</summary>
    public string Artifact(string name) => ArtifactPrefix + name;
}
