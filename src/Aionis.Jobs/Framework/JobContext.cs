namespace Aionis.Jobs.Framework;

/// <summary>
/// Everything a job may use of its run: identity, clock, dry-run flag, output folder, cancellation and recorders.
/// A record, so a step or nested job gets its own context with <c>with</c> (the recorders are shared unless replaced).
/// </summary>
public sealed record JobContext
{
    public required Guid RunId { get; init; }

    /// <summary>Registry task id; null for ad-hoc <c>aionis job</c> runs.</summary>
    public string? TaskId { get; init; }

    /// <summary>Tenant of this run (per-tenant jobs and fan-out steps), used by the <c>{tenant_id}</c> placeholder.</summary>
    public string? TenantId { get; init; }

    /// <summary>In a dry run a job reads everything, writes only its own output files and mutates nothing.</summary>
    public bool DryRun { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Where relative output paths resolve (<c>Worker:ArtifactsRoot</c>).</summary>
    public string ArtifactsRoot { get; init; } = Directory.GetCurrentDirectory();

    public CancellationToken CancellationToken { get; init; }

    /// <summary>What the run did, or in a dry run would have done; stored in <c>worker.job_runs.planned_actions</c>.</summary>
    public ActionRecorder Actions { get; init; } = new();

    /// <summary>Named steps of a multi-step run (<c>worker.job_run_steps</c>).</summary>
    public IStepRecorder Steps { get; init; } = StepRecorder.None;

    /// <summary>Artifacts (paths and URIs) produced by the run; stored in <c>worker.job_runs.artifacts</c>.</summary>
    public ArtifactList Artifacts { get; init; } = new();

    /// <summary>Progress lines for long work; they go to stderr and the log, never to stdout.</summary>
    public Action<string> Progress { get; init; } = _ => { };

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>
    /// Resolves an output path: relative paths go under <see cref="ArtifactsRoot"/>; <c>{run_id}</c>, <c>{task_id}</c>,
    /// <c>{tenant_id}</c> and <c>{date}</c> are replaced so scheduled runs don't overwrite each other.
    /// </summary>
    public string ResolvePath(string path, string option = "out") => OutputPaths.Resolve(path, ArtifactsRoot, RunId, TaskId, TenantId, Now, option);

    /// <summary>
    /// Resolves a path the run writes its output to (<c>--out</c>, <c>--out-dir</c>). In a dry run the path is the dry-run
    /// form of it (<see cref="OutputPaths.DryRunForm"/>): a dry run never writes onto a file a live run wrote or reads.
    /// </summary>
    public string ResolveOutputPath(string path, string option = "out")
    {
        var resolved = ResolvePath(path, option);
        return DryRun ? OutputPaths.DryRunForm(resolved) : resolved;
    }

    /// <summary>
    /// True in one tenant's step of a <c>--tenant-id "*"</c> run: several tenants share this run (its id, clock and
    /// artifact list), so whatever a job names after the run alone (a bundle run id, a publish prefix) must name the tenant too.
    /// </summary>
    public bool IsFanOutStep { get; init; }

    /// <summary>A context for one step of this run (fan-out over tenants): same recorders, its own tenant.</summary>
    public JobContext ForTenant(string tenantId) => this with { TenantId = tenantId, IsFanOutStep = true };
}
