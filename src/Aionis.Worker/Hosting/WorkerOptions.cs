namespace Aionis.Worker.Hosting;

/// <summary>The <c>Worker</c> configuration section, validated at start.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>Where relative output paths resolve; the systemd unit sets <c>/var/lib/aionis/artifacts</c>.</summary>
    public string ArtifactsRoot { get; set; } = Directory.GetCurrentDirectory();

    /// <summary>Run records that could not reach the database wait here until it is back.</summary>
    public string SpoolDirectory { get; set; } = "/var/lib/aionis/spool";

    /// <summary>This node's name in history and in the Quartz cluster (default: the host name).</summary>
    public string NodeName { get; set; } = Environment.MachineName;

    /// <summary>task_registry.yml used by serve, run and registry when --registry is not given.</summary>
    public string? RegistryPath { get; set; }

    /// <summary>On SIGTERM running jobs may finish within this time; then they are cancelled.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Jobs that may run at once on this node.</summary>
    public int MaxConcurrency { get; set; } = 10;

    /// <summary>How often this node checks in with the cluster (and how soon a dead node's jobs are recovered).</summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);

    /// <summary>After `serve` starts, enqueue one dry run of every enabled task, so a newcomer sees history at once.</summary>
    public bool DemoKickoff { get; set; }

    /// <summary>The <c>Worker</c> section, bound and validated; a bad value stops the process naming the key.</summary>
    public static WorkerOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var worker = new WorkerOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(Section), worker);
        var problems = worker.Validate().ToList();
        return problems.Count == 0 ? worker : throw new ConfigurationException(string.Join("; ", problems));
    }

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ArtifactsRoot)) yield return "Worker:ArtifactsRoot '' must be a folder path";
        if (string.IsNullOrWhiteSpace(SpoolDirectory)) yield return "Worker:SpoolDirectory '' must be a folder path";
        if (string.IsNullOrWhiteSpace(NodeName) || NodeName.Length > 80) yield return $"Worker:NodeName '{NodeName}' must be 1..80 characters";
        if (ShutdownGrace < TimeSpan.Zero || ShutdownGrace > TimeSpan.FromHours(1)) yield return $"Worker:ShutdownGrace '{ShutdownGrace}' must be between 00:00:00 and 01:00:00";
        if (MaxConcurrency is < 1 or > 200) yield return $"Worker:MaxConcurrency '{MaxConcurrency}' must be 1..200";
        if (ClusterCheckinInterval < TimeSpan.FromSeconds(1) || ClusterCheckinInterval > TimeSpan.FromMinutes(5)) yield return $"Worker:ClusterCheckinInterval '{ClusterCheckinInterval}' must be between 00:00:01 and 00:05:00";
    }
}
