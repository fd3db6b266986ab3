using System.Globalization;
using System.Reflection;

namespace Aionis.Jobs.Framework;

/// <summary>One option of a job, read from its <see cref="OptionAttribute"/>-marked property.</summary>
public sealed class OptionDescriptor
{
    internal OptionDescriptor(PropertyInfo property, OptionAttribute attribute, object? defaultValue)
    {
        Property = property;
        Attribute = attribute;
        Default = defaultValue;
    }

    public PropertyInfo Property { get; }
    public OptionAttribute Attribute { get; }
    public string Name => Attribute.Name;
    public string RegistryName => Name.Replace('-', '_');
    public string Description => Attribute.Description;
    public object? Default { get; }
    public Type Type => Nullable.GetUnderlyingType(Property.PropertyType) ?? Property.PropertyType;
    public bool IsFlag => Type == typeof(bool);
    public bool IsList => Type == typeof(string[]);
    public bool IsSecret => Attribute.Secret;

    public bool Matches(string name)
    {
        var normalized = name.TrimStart('-').Replace('_', '-');
        return normalized == Name || Attribute.Aliases.Contains(normalized);
    }

    /// <summary>"int", "number", "flag", "text", "list" — for help output and registry type errors.</summary>
    public string TypeName => Type switch
    {
        _ when Type == typeof(int) || Type == typeof(long) => "int",
        _ when Type == typeof(double) => "number",
        _ when Type == typeof(bool) => "flag",
        _ when Type == typeof(string[]) => "list",
        _ => "text",
    };

    public string? RangeText
    {
        get
        {
            var min = Attribute.Min;
            var max = Attribute.Max;
            if (double.IsNaN(min) && double.IsNaN(max))
            {
                return Attribute.Allowed.Length > 0 ? string.Join("|", Attribute.Allowed) : null;
            }
            return $"{Format(min)}..{Format(max)}";
            static string Format(double v) => double.IsNaN(v) ? "" : v.ToString(CultureInfo.InvariantCulture);
        }
    }

    public string DefaultText => (Attribute.DefaultFrom, FormatValue(Default)) switch
    {
        (null, var value) => value,
        (var from, "") => $"${from}",
        (var from, var value) => $"${from}, else {value}",
    };

    internal static string FormatValue(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        string[] list => string.Join(",", list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
