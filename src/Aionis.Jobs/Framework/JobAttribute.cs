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
}
