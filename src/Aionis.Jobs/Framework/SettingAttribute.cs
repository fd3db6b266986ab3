namespace Aionis.Jobs.Framework;

/// <summary>
/// Marks a property of a settings class as a configuration value: its key (the <c>Section:Name</c> form or an environment
/// name such as <c>CONTROL_TELEMETRY_RETENTION_HOURS</c>) and, for ordered types, the allowed range. The same attribute
/// drives binding and the one-line start-up error that names the key, the value and what is allowed.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingAttribute(string key) : Attribute
{
    public string Key { get; } = key;

    /// <summary>Smallest allowed value, in the property type's invariant text form (e.g. <c>00:00:01</c>, <c>1</c>).</summary>
    public string? Min { get; init; }

    public string? Max { get; init; }

    /// <summary>Printed as <c>***</c> in error messages.</summary>
    public bool Secret { get; init; }
}

/// <summary>A settings class with checks beyond type and range (paths that must exist, combinations of values).</summary>
public interface ICheckedSettings
{
    /// <summary>One line per problem: key, value and what is allowed.</summary>
    IEnumerable<string> Problems();
}
