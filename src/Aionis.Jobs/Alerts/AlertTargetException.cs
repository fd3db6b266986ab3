namespace Aionis.Jobs.Alerts;

/// <summary>A target that cannot be called (missing URL or key, refused host, bad header): the delivery fails with this message, no HTTP.</summary>
public sealed class AlertTargetException(string message) : Exception(message);
