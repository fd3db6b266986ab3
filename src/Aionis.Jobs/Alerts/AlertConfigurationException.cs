namespace Aionis.Jobs.Alerts;

/// <summary>Malformed alert configuration: one message naming the key and the problem; the worker stops at start with it.</summary>
public sealed class AlertConfigurationException(string message) : Exception(message);
