namespace Aionis.Worker.Monitoring;

/// <summary>Which endpoint a health check answers for.</summary>
public static class HealthTags
{
    /// <summary><c>/healthz</c>: the process is alive (a restart would help when it is not).</summary>
    public const string Live = "live";

    /// <summary><c>/readyz</c>: the worker can do its work now (database, registry, scheduler, cluster check-in).</summary>
    public const string Ready = "ready";
}
