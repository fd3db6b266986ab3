using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aionis.Jobs.Framework;

/// <summary>
/// Binds settings classes whose properties carry <see cref="SettingAttribute"/> and validates them through the options
/// pipeline (<see cref="IValidateOptions{TOptions}"/> + <c>ValidateOnStart</c>): a value that does not convert or lies
/// outside its range is one line <c>KEY 'value': allowed …</c>, never the binder's exception text.
/// </summary>
public static class Settings
{
    /// <summary>Registers <typeparamref name="T"/> as options bound from <paramref name="configuration"/> and checked at start.</summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, IConfiguration configuration) where T : class, new()
    {
        services.AddSingleton<IValidateOptions<T>>(new SettingsValidator<T>(configuration));
        return services.AddOptions<T>().Configure(settings => Bind(configuration, settings)).ValidateOnStart();
    }

    /// <summary>Binds every setting that converts; returns one line per value that does not (or is out of range).</summary>
    public static List<string> Bind<T>(IConfiguration configuration, T settings) where T : class
    {
        var problems = new List<string>();
        foreach (var (property, setting) in Properties(typeof(T)))
        {
            if (configuration[setting.Key] is not { } raw) continue;
            if (TryConvert(property.PropertyType, raw, out var value) && InRange(property.PropertyType, setting, value))
            {
                property.SetValue(settings, value);
            }
            else
            {
                problems.Add($"{setting.Key} '{(setting.Secret ? Secrets.Mask : raw)}': allowed {Allowed(property.PropertyType, setting)}");
            }
        }
        return problems;
    }

    /// <summary>Every problem of <typeparamref name="T"/> as configured: conversions, ranges and the class's own checks.</summary>
    public static List<string> Problems<T>(IConfiguration configuration) where T : class, new()
    {
        var settings = new T();
        var problems = Bind(configuration, settings);
        if (problems.Count == 0 && settings is ICheckedSettings checkedSettings)
        {
            problems.AddRange(checkedSettings.Problems());
        }
        return problems;
    }

    private static IEnumerable<(PropertyInfo Property, SettingAttribute Setting)> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p, p.GetCustomAttribute<SettingAttribute>()))
            .Where(x => x.Item2 is not null && x.p.CanWrite)
            .Select(x => (x.p, x.Item2!));

    private static bool TryConvert(Type type, string raw, out object? value)
    {
        value = null;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
        {
            value = raw;
            return true;
        }
        if (raw.Trim().Length == 0) return false;
        try
        {
            value = TypeDescriptor.GetConverter(target).ConvertFromInvariantString(raw.Trim());
            return value is not null;
        }
        catch (Exception)
        {
            // Type converters throw FormatException, ArgumentException or plain Exception depending on the type.
            return false;
        }
    }

    private static bool InRange(Type type, SettingAttribute setting, object? value)
    {
        if (value is not IComparable comparable) return true;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return (setting.Min is null || comparable.CompareTo(Limit(target, setting.Min)) >= 0)
            && (setting.Max is null || comparable.CompareTo(Limit(target, setting.Max)) <= 0);
    }

    private static object Limit(Type type, string text) => TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text)!;

    private static string Allowed(Type type, SettingAttribute setting)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        var kind = target == typeof(bool) ? "true or false"
            : target == typeof(TimeSpan) ? "a duration [d.]hh:mm:ss"
            : target == typeof(int) || target == typeof(long) ? "a whole number"
            : target == typeof(double) ? "a number"
            : $"a {target.Name}";
        var range = (setting.Min, setting.Max) switch
        {
            (null, null) => "",
            ({ } min, null) => $" ≥ {min}",
            (null, { } max) => $" ≤ {max}",
            ({ } min, { } max) => $" in {min}..{max}",
        };
        return kind + range;
    }
}

/// <summary>The options pipeline's check of one settings class; all problems are reported, each on its own line.</summary>
public sealed class SettingsValidator<T>(IConfiguration configuration) : IValidateOptions<T> where T : class, new()
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var problems = Settings.Problems<T>(configuration);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
