namespace Aionis.Jobs.Framework;

/// <summary>Declares a job type: its registry/CLI name, what it does and the permissions it always needs.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class JobAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;
    public string Description { get; } = description;

    /// <summary>Permissions the job needs whatever its options (see <see cref="Permissions"/>).</summary>
    public string[] Permissions { get; init; } = [];

    /// <summary>True when the job can be fanned out over every active tenant with <c>tenant_id: "*"</c>.</summary>
    public bool PerTenant { get; init; }

    /// <summary>False for jobs that run without a database (e.g. offline bundle verification).</summary>
    public bool NeedsDatabase { get; init; } = true;

    /// <summary>
    /// Whether the job's result can be computed as of a past moment (<see cref="TimeDependence"/>): a report or a gate over
    /// history can (<c>aionis backfill</c> runs it with each past fire time as its clock); a job acting on the present
    /// state (publishing the queue, deleting by retention, taking a backup) cannot, and refuses a backfill.
    /// </summary>
    public TimeDependence Time { get; init; } = TimeDependence.AsOfClock;
}

/// <summary>How a job's result depends on its clock, <see cref="JobContext.Now"/>.</summary>
public enum TimeDependence
{
    /// <summary>What it computes follows from its clock: a run with a past clock computes what it would have then.</summary>
    AsOfClock,

    /// <summary>It acts on the present state whatever its clock says; a past clock would not make a past result.</summary>
    PresentOnly,
}
