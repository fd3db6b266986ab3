namespace Aionis.Jobs.Framework;

/// <summary>A bad option value: names the option, the value and what is allowed.</summary>
public sealed record OptionError(string Option, string? Value, string Problem)
{
    public override string ToString() =>
        Value is null ? $"--{Option}: {Problem}" : $"--{Option} '{Value}': {Problem}";
}

/// <summary>Thrown when options cannot be bound; the CLI maps it to exit code 64.</summary>
public sealed class OptionBindingException(IReadOnlyList<OptionError> errors)
    : Exception(string.Join("; ", errors))
{
    public IReadOnlyList<OptionError> Errors { get; } = errors;
}
