using System.Globalization;

namespace Aionis.Jobs.Framework;

/// <summary>
/// Binds raw option values (CLI strings, or YAML scalars from the registry) onto a job's options class.
/// Every problem is collected and reported at once; nothing is clamped silently.
/// </summary>
public static class OptionBinder
{
    /// <param name="values">Option name (CLI or registry spelling) → raw value: a string, long, double, bool or list of strings.</param>
    /// <param name="defaults">Looks up a configuration default named by <see cref="OptionAttribute.DefaultFrom"/>.</param>
    public static JobOptions Bind(JobDescriptor job, IEnumerable<KeyValuePair<string, object?>> values, Func<string, string?>? defaults = null)
    {
        var options = job.CreateOptions();
        var errors = new List<OptionError>();
        var given = new HashSet<OptionDescriptor>();

        foreach (var (name, raw) in values)
        {
            var option = job.FindOption(name);
            if (option is null)
            {
                errors.Add(new OptionError(name.TrimStart('-').Replace('_', '-'), null, $"is not an option of {job.Name}"));
                continue;
            }
            if (TryConvert(option, raw, out var value, out var problem))
            {
                option.Property.SetValue(options, value);
                given.Add(option);
            }
            else
            {
                errors.Add(new OptionError(option.Name, OptionDescriptor.FormatValue(raw), problem!));
            }
        }

        ApplyConfiguredDefaults(job, options, given, defaults, errors);
        if (errors.Count > 0)
        {
            throw new OptionBindingException(CheckedErrors(job, options, errors));
        }
        Check(job, options);
        return options;
    }

    /// <summary>
    /// The options of a job before any value is given: property initialisers, then the configuration defaults named by
    /// <see cref="OptionAttribute.DefaultFrom"/> (a typed nested run starts from these).
    /// </summary>
    public static JobOptions Defaults(JobDescriptor job, Func<string, string?>? defaults = null)
    {
        var options = job.CreateOptions();
        var errors = new List<OptionError>();
        ApplyConfiguredDefaults(job, options, new HashSet<OptionDescriptor>(), defaults, errors);
        if (errors.Count > 0)
        {
            throw new OptionBindingException(errors);
        }
        return options;
    }

    /// <summary>
    /// The checks of bound options that do not depend on how the values arrived: values set in code are held to the
    /// options' types, ranges and allowed values; required options, the tenant id and <see cref="JobOptions.Validate"/>;
    /// then <see cref="JobOptions.ApplyDerivedLimits"/>.
    /// </summary>
    public static void Check(JobDescriptor job, JobOptions options)
    {
        var errors = new List<OptionError>();
        foreach (var option in job.Options)
        {
            var value = option.Property.GetValue(options);
            if (value is not null && !Equals(value, option.Default) && Problem(option, value) is { } problem)
            {
                errors.Add(new OptionError(option.Name, OptionDescriptor.FormatValue(value), problem));
            }
        }
        errors = CheckedErrors(job, options, errors);
        if (errors.Count > 0)
        {
            throw new OptionBindingException(errors);
        }
        options.ApplyDerivedLimits();
    }

    private static void ApplyConfiguredDefaults(JobDescriptor job, JobOptions options, HashSet<OptionDescriptor> given,
        Func<string, string?>? defaults, List<OptionError> errors)
    {
        foreach (var option in job.Options.Where(o => !given.Contains(o)))
        {
            if (option.Attribute.DefaultFrom is { } key && defaults?.Invoke(key) is { Length: > 0 } configured)
            {
                if (TryConvert(option, configured, out var value, out var problem))
                {
                    option.Property.SetValue(options, value);
                }
                else
                {
                    errors.Add(new OptionError(option.Name, configured, $"{problem} (from {key})"));
                }
            }
        }
    }

    /// <summary>The errors so far plus required options and the tenant id; <see cref="JobOptions.Validate"/> only when there are none.</summary>
    private static List<OptionError> CheckedErrors(JobDescriptor job, JobOptions options, List<OptionError> errors)
    {
        // A required option given with a bad value has its one error line already; "is required" would be a second.
        foreach (var option in job.Options.Where(o => o.Attribute.Required && errors.All(e => e.Option != o.Name)))
        {
            if (option.Property.GetValue(options) is null or "" or string[] { Length: 0 })
            {
                errors.Add(new OptionError(option.Name, null, "is required"));
            }
        }

        // Tenant ids end up in paths ({tenant_id}, default output folders): one safe segment, or "*" for every tenant.
        if (options is ITenantOptions { TenantId: { Length: > 0 } tenant } && tenant != "*" && !TenantIds.IsSafe(tenant))
        {
            errors.Add(new OptionError("tenant-id", tenant, TenantIds.Rule));
        }
        if (errors.Count == 0)
        {
            errors.AddRange(options.Validate());
        }
        return errors;
    }

    /// <summary>Why <paramref name="raw"/> is not a value of <paramref name="option"/> (type, range, allowed values), or null.</summary>
    public static string? Problem(OptionDescriptor option, object? raw) => TryConvert(option, raw, out _, out var problem) ? null : problem;

    private static bool TryConvert(OptionDescriptor option, object? raw, out object? value, out string? problem)
    {
        value = null;
        problem = null;
        var type = option.Type;

        if (type == typeof(bool))
        {
            switch (raw)
            {
                case null: value = true; return true;
                case bool b: value = b; return true;
                case string s when bool.TryParse(s, out var parsed): value = parsed; return true;
                default: problem = "expected true or false"; return false;
            }
        }
        if (raw is null)
        {
            problem = "needs a value";
            return false;
        }
        if (type == typeof(string[]))
        {
            var items = raw as IEnumerable<string> ?? [Text(raw)];
            var list = option.Attribute.CommaSeparated ? items.SelectMany(SplitList).ToArray() : items.ToArray();
            // A list's allowed values hold for each item (e.g. replay --statuses failed,dead_letter).
            if (option.Attribute.Allowed.Length > 0 && list.FirstOrDefault(i => !option.Attribute.Allowed.Contains(i, StringComparer.Ordinal)) is { } bad)
            {
                problem = $"'{bad}' is not allowed; allowed: {string.Join(", ", option.Attribute.Allowed)}";
                return false;
            }
            value = list;
            return true;
        }
        if (raw is IEnumerable<string>)
        {
            problem = $"expected a single {option.TypeName}, not a list";
            return false;
        }
        if (type == typeof(string))
        {
            var text = Text(raw);
            if (option.Attribute.Allowed.Length > 0 && !option.Attribute.Allowed.Contains(text, StringComparer.Ordinal))
            {
                problem = $"allowed: {string.Join(", ", option.Attribute.Allowed)}";
                return false;
            }
            value = text;
            return true;
        }

        double number;
        if (raw is long or int or double)
        {
            number = Convert.ToDouble(raw, CultureInfo.InvariantCulture);
        }
        else if (raw is string s && double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && !string.IsNullOrWhiteSpace(s))
        {
            number = parsed;
        }
        else
        {
            problem = $"expected {(type == typeof(double) ? "a number" : "a whole number")}{RangeSuffix(option)}";
            return false;
        }

        if (!double.IsFinite(number) || (type != typeof(double) && number != Math.Truncate(number)))
        {
            problem = $"expected {(type == typeof(double) ? "a finite number" : "a whole number")}{RangeSuffix(option)}";
            return false;
        }
        var min = option.Attribute.Min;
        var max = option.Attribute.Max;
        if ((!double.IsNaN(min) && number < min) || (!double.IsNaN(max) && number > max))
        {
            problem = $"out of range, allowed {option.RangeText}";
            return false;
        }
        value = type == typeof(int) ? (object)(int)number : type == typeof(long) ? (long)number : number;
        return true;
    }

    private static string RangeSuffix(OptionDescriptor option) => option.RangeText is { } r ? $" in {r}" : "";

    private static string Text(object raw) => raw is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : raw.ToString() ?? "";

    private static IEnumerable<string> SplitList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
