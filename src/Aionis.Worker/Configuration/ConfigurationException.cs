namespace Aionis.Worker.Configuration;

/// <summary>Bad configuration values: stops the process with one line per value naming the key, the value and what is allowed (exit 64).</summary>
public sealed class ConfigurationException(IReadOnlyList<string> problems) : Exception(string.Join("; ", problems))
{
    public ConfigurationException(string problem) : this([problem])
    {
    }

    public IReadOnlyList<string> Problems { get; } = problems;
}
