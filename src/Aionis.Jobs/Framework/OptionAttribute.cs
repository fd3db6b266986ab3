namespace Aionis.Jobs.Framework;

/// <summary>
/// Marks an options property as a job option. The same description drives CLI parsing, registry input
/// validation, <c>aionis jobs</c> help and the README's option tables.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class OptionAttribute(string name, string description) : Attribute
{
    /// <summary>CLI name without the leading <c>--</c>; the registry input name is the same with <c>-</c> → <c>_</c>.</summary>
    public string Name { get; } = name;
    public string Description { get; } = description;

    public double Min { get; init; } = double.NaN;
    public double Max { get; init; } = double.NaN;

    /// <summary>Configuration key (environment form accepted, e.g. <c>MEMORY_TENANT_ID</c>) that supplies the default.</summary>
    public string? DefaultFrom { get; init; }

    public bool Required { get; init; }

    /// <summary>Printed as <c>***</c> in history, logs and summaries.</summary>
    public bool Secret { get; init; }

    /// <summary>Other accepted spellings (e.g. <c>--file</c> for <c>--registry</c>).</summary>
    public string[] Aliases { get; init; } = [];

    /// <summary>For list options: whether one value may hold several items separated by commas.</summary>
    public bool CommaSeparated { get; init; } = true;

    /// <summary>Values allowed for a string option (empty = any).</summary>
    public string[] Allowed { get; init; } = [];
}
