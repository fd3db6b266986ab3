namespace Aionis.Worker.Running;

/// <summary>
/// Runs started by the command line carry <c>cli:&lt;pid&gt;</c> as their fire instance, so a node can tell at start-up
/// which of its <c>running</c> rows belong to a process that is gone and which to one still running beside it.
/// </summary>
public static class CliRunIdentity
{
    private const string Prefix = "cli:";

    public static string Current => Prefix + Environment.ProcessId;

    /// <summary><c>job_runs.triggered_by</c> of runs started from the command line: the OS user and host.</summary>
    public static string TriggeredBy => $"{Prefix}{Environment.UserName}@{Environment.MachineName}";

    /// <summary>True for a run of this host's command line whose process is still alive.</summary>
    public static bool IsLive(string? fireInstanceId) =>
        fireInstanceId is not null
        && fireInstanceId.StartsWith(Prefix, StringComparison.Ordinal)
        && int.TryParse(fireInstanceId.AsSpan(Prefix.Length), out var pid)
        && Directory.Exists($"/proc/{pid}");
}
