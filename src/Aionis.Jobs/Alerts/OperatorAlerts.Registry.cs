using System.Text.Json.Nodes;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// A registry file that <c>serve</c> rejected: the daemon keeps running its last good schedule, which is no longer what
/// the file on disk says, so operators hear of it (once per dedupe window) and get a resolve when a file is accepted.
/// </summary>
public sealed partial class OperatorAlerts
{
    /// <summary>The alert's subject in <c>worker.operator_alerts.task_id</c>: parentheses keep it apart from every task id.</summary>
    public const string RegistrySubject = "(registry)";

    public const string RegistryRejectedKind = "registry_rejected";

    private const int RegistryErrorsShown = 20;

    private static readonly NotifyPolicy RegistryPolicy = new() { Severity = AlertSeverity.Warning };

    public Task RegistryRejectedAsync(string path, string hash, IReadOnlyList<string> errors, CancellationToken cancellationToken)
    {
        var summary = $"task registry {path} rejected ({errors.Count} error(s)), the last good schedule keeps running: {errors.FirstOrDefault()}";
        var payload = new JsonObject
        {
            ["path"] = path,
            ["registry_hash"] = hash,
            ["error_count"] = errors.Count,
            ["errors"] = new JsonArray(errors.Take(RegistryErrorsShown).Select(e => (JsonNode?)JsonValue.Create(e)).ToArray()),
            ["validate_command"] = $"aionis registry validate --registry {path}",
        };
        return RaiseAsync(RegistrySubject, RegistryRejectedKind, RegistryPolicy, RegistryPolicy.DedupeWindow, notice: null,
            ("registry_rejected", summary, payload), cancellationToken);
    }

    public Task RegistryAcceptedAsync(string hash, CancellationToken cancellationToken) =>
        ResolveAsync(RegistrySubject, [RegistryRejectedKind], RegistryPolicy, $"registry {hash[..Math.Min(12, hash.Length)]} accepted", cancellationToken);
}
