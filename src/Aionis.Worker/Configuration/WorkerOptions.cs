using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;

namespace Aionis.Worker.Configuration;

/// <summary>The <c>Worker</c> configuration section, validated at start.</summary>
public sealed class WorkerOptions : ICheckedSettings
{
    public const string Section = "Worker";

    /// <summary>Where relative output paths resolve; the systemd unit sets <c>/var/lib/aionis/artifacts</c>.</summary>
    [Setting($"{Section}:ArtifactsRoot")]
    public string ArtifactsRoot { get; set; } = Directory.GetCurrentDirectory();

    /// <summary>Run records that could not reach the database wait here until it is back.</summary>
    [Setting($"{Section}:SpoolDirectory")]
    public string SpoolDirectory { get; set; } = "/var/lib/aionis/spool";

    /// <summary>This node's name in history and in the Quartz cluster (default: the host name).</summary>
    [Setting($"{Section}:NodeName")]
    public string NodeName { get; set; } = Environment.MachineName;

    /// <summary>task_registry.yml used by serve, run and registry when --registry is not given.</summary>
    [Setting($"{Section}:RegistryPath")]
    public string? RegistryPath { get; set; }

    /// <summary>On SIGTERM running jobs may finish within this time; then they are cancelled.</summary>
    [Setting($"{Section}:ShutdownGrace", Min = "00:00:00", Max = "01:00:00")]
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Jobs that may run at once on this node.</summary>
    [Setting($"{Section}:MaxConcurrency", Min = "1", Max = "200")]
    public int MaxConcurrency { get; set; } = 10;

    /// <summary>How often this node checks in with the cluster (and how soon a dead node's jobs are recovered).</summary>
    [Setting($"{Section}:ClusterCheckinInterval", Min = "00:00:01", Max = "00:05:00")]
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);

    /// <summary>A fire this late is missed: it follows the task's catch_up (one run now, or none) instead of running late.</summary>
    [Setting($"{Section}:MisfireThreshold", Min = "00:00:01", Max = "01:00:00")]
    public TimeSpan MisfireThreshold { get; set; } = DefaultMisfireThreshold;

    public static readonly TimeSpan DefaultMisfireThreshold = TimeSpan.FromSeconds(30);

    /// <summary>After `serve` starts, enqueue one dry run of every enabled task, so a newcomer sees history at once.</summary>
    [Setting($"{Section}:DemoKickoff")]
    public bool DemoKickoff { get; set; }

    /// <summary>The <c>Worker</c> section, bound and validated; a bad value stops the process naming the key.</summary>
    public static WorkerOptions From(IConfiguration configuration)
    {
        var problems = Settings.Problems<WorkerOptions>(configuration);
        if (problems.Count > 0) throw new ConfigurationException(problems);
        var worker = new WorkerOptions();
        Settings.Bind(configuration, worker);
        return worker;
    }

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(ArtifactsRoot)) yield return $"{Section}:ArtifactsRoot '': allowed a folder path";
        if (SpoolProblem() is { } spool) yield return $"{Section}:SpoolDirectory '{SpoolDirectory}': allowed a folder the worker can create and write ({spool})";
        if (string.IsNullOrWhiteSpace(NodeName) || NodeName.Length > 80) yield return $"{Section}:NodeName '{NodeName}': allowed 1..80 characters";
    }

    /// <summary>
    /// The spool is where run records go when the database is down, so an unusable folder must stop the start, not the
    /// first outage. An existing folder is accepted as it is (operators may read history without write access to it).
    /// </summary>
    private string? SpoolProblem()
    {
        if (string.IsNullOrWhiteSpace(SpoolDirectory)) return "empty";
        if (Directory.Exists(SpoolDirectory)) return null;
        try
        {
            Directory.CreateDirectory(SpoolDirectory);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return e.Message;
        }
    }
}
