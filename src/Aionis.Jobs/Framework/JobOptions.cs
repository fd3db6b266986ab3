namespace Aionis.Jobs.Framework;

/// <summary>
/// Base of every options class. Properties marked with <see cref="OptionAttribute"/> are bound from the command line
/// or registry inputs; defaults are the property initialisers.
/// </summary>
public abstract class JobOptions
{
    /// <summary>Cross-option rules that are errors (e.g. "tenant-id or ids is required"). Return one message per problem.</summary>
    public virtual IEnumerable<OptionError> Validate() => [];

    /// <summary>Derived limits of the reference (e.g. a baseline at least window+1), applied after binding and echoed in summaries.</summary>
    public virtual void ApplyDerivedLimits() { }

    /// <summary>Permissions needed on top of the job's fixed ones, given these options (e.g. a publish target).</summary>
    public virtual IEnumerable<string> ConditionalPermissions() => [];

    /// <summary>A copy of per-tenant options for one tenant of a fan-out run.</summary>
    public JobOptions CloneFor(string tenantId)
    {
        var copy = (JobOptions)MemberwiseClone();
        ((ITenantOptions)copy).TenantId = tenantId;
        return copy;
    }
}

/// <summary>Options of a job whose verdict can gate: <c>--strict</c> turns a summary that is not ok into exit code 2.</summary>
public interface IStrictOptions
{
    bool Strict { get; }
}

/// <summary>Options of a job whose summary is also written to a file (<c>--out</c>).</summary>
public interface ISummaryFileOptions
{
    string? Out { get; }
}

/// <summary>Options of a per-tenant job; <c>"*"</c> fans out over every active tenant.</summary>
public interface ITenantOptions
{
    string TenantId { get; set; }
}

