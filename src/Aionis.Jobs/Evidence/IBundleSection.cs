using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

/// <summary>What a bundle section is asked for: the bundle's folder, tenant and window.</summary>
public sealed record BundleSectionRequest(string BundleDir, string TenantId, int WindowHours);

/// <summary>
/// A part of every incident bundle that another area provides (registered in DI; the bundle runs each one registered,
/// after the job reports and before the audit snapshot): it writes its files into the bundle and says how it ended.
/// </summary>
public interface IBundleSection
{
    /// <summary>The step's name in <c>summary.json</c> and <c>worker.job_run_steps</c>.</summary>
    string Name { get; }

    /// <summary>The step's log file in the bundle.</summary>
    string LogFile { get; }

    Task<StepOutcome> WriteAsync(BundleSectionRequest request, StepLog log, JobContext context);
}
