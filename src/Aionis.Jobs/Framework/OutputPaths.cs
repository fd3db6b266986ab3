namespace Aionis.Jobs.Framework;

/// <summary>Placeholder expansion and resolution of output paths against the artifacts root.</summary>
public static class OutputPaths
{
    public static string Resolve(string path, string artifactsRoot, Guid runId, string? taskId, string? tenantId, DateTimeOffset now)
    {
        var expanded = path
            .Replace("{run_id}", runId.ToString("N"), StringComparison.Ordinal)
            .Replace("{task_id}", taskId ?? "adhoc", StringComparison.Ordinal)
            .Replace("{tenant_id}", tenantId ?? "all", StringComparison.Ordinal)
            .Replace("{date}", now.UtcDateTime.ToString("yyyy-MM-dd"), StringComparison.Ordinal);
        return Path.GetFullPath(Path.IsPathRooted(expanded) ? expanded : Path.Combine(artifactsRoot, expanded));
    }
}
