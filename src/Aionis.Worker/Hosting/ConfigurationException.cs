namespace Aionis.Worker.Hosting;

/// <summary>A bad configuration value: stops the process with one line naming the key, the value and what is allowed (exit 64).</summary>
public sealed class ConfigurationException(string message) : Exception(message);
