namespace Aionis.Jobs.Alerts;

/// <summary>A route policy that cannot be applied: the route is skipped as <c>invalid_policy</c> and the problem reported.</summary>
public sealed class RoutePolicyException(string message) : Exception(message);
